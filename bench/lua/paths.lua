-- GET requests rotating through PATHS (set by the harness), from a browser.
-- ACCEPT_ENCODING, when the harness sets it, is sent as a browser sends it for pages.

local prepared = {}
local index = 0

function init(args)
  local headers = {
    ["Host"] = wrk.headers["Host"],
    ["User-Agent"] = USER_AGENTS[1],
    ["Accept-Language"] = "vi-VN,vi;q=0.9,en;q=0.5",
  }
  if ACCEPT_ENCODING then
    headers["Accept-Encoding"] = ACCEPT_ENCODING
  end
  for i, path in ipairs(PATHS) do
    prepared[i] = wrk.format("GET", path, headers)
  end
  index = thread_number
end

function request()
  index = index % #prepared + 1
  return prepared[index]
end
