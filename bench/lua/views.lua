-- POST /v1/views: each request a new visitor (a fresh visitor_id and client address,
-- as the gateway passes it in X-Forwarded-For) of one of ARTICLE_IDS, from a browser.

local sent = 0
local headers = {}

function init(args)
  headers["Host"] = wrk.headers["Host"]
  headers["Content-Type"] = "application/json"
end

function request()
  sent = sent + 1
  headers["User-Agent"] = USER_AGENTS[sent % #USER_AGENTS + 1]
  headers["X-Forwarded-For"] = string.format(
    "10.%d.%d.%d", (RUN * 8 + thread_number) % 256, math.floor(sent / 256) % 256, sent % 256)
  local body = string.format(
    '{"article_id":%d,"visitor_id":"v%s-%d-%d"}',
    ARTICLE_IDS[sent % #ARTICLE_IDS + 1], RUN, thread_number, sent)
  return wrk.format("POST", "/v1/views", headers, body)
end
