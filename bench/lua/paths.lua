-- GET requests rotating through PATHS (set by the harness), from a browser.

local prepared = {}
local index = 0

function init(args)
  for i, path in ipairs(PATHS) do
    prepared[i] = wrk.format("GET", path, {
      ["Host"] = wrk.headers["Host"],
      ["User-Agent"] = USER_AGENTS[1],
      ["Accept-Language"] = "vi-VN,vi;q=0.9,en;q=0.5",
    })
  end
  index = thread_number
end

function request()
  index = index % #prepared + 1
  return prepared[index]
end
