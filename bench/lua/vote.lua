-- POST / with a vote as a form, a new voter each request (no cookie): the peer's route.

local sent = 0
local headers = {}

function init(args)
  headers["Host"] = wrk.headers["Host"]
  headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  sent = sent + 1
  headers["User-Agent"] = USER_AGENTS[sent % #USER_AGENTS + 1]
  return wrk.format("POST", "/", headers, sent % 2 == 0 and "vote=a" or "vote=b")
end
