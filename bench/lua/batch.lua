-- POST /v1/views/batch: BATCH_SIZE views per request, as a log shipper sends them;
-- each view a new reader (an IPv6 address of its own and a browser's user agent, no
-- cookie) of one of ARTICLE_IDS.

local sent = 0
local headers = {}

function init(args)
  headers["Host"] = wrk.headers["Host"]
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. TOKEN
  headers["User-Agent"] = "bench-log-shipper/1"
end

function request()
  sent = sent + 1
  local views = {}
  for i = 1, BATCH_SIZE do
    local n = sent * BATCH_SIZE + i
    views[i] = string.format(
      '{"article_id":%d,"client_ip":"fd00::%x:%x:%x:%x","user_agent":"%s"}',
      ARTICLE_IDS[n % #ARTICLE_IDS + 1],
      RUN, thread_number, math.floor(n / 65536) % 65536, n % 65536,
      USER_AGENTS[n % #USER_AGENTS + 1])
  end
  return wrk.format("POST", "/v1/views/batch", headers,
    '{"views":[' .. table.concat(views, ",") .. ']}')
end
