-- POST /v1/views/batch: BATCH_SIZE views per request, as a log shipper sends them.
-- Each reader (an address of its own and a browser's user agent, no cookie) opens
-- READER_VIEWS different articles of ARTICLE_IDS in a row, so every view counts.

local sent = 0
local headers = {}

function init(args)
  headers["Host"] = wrk.headers["Host"]
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. TOKEN
  headers["User-Agent"] = "bench-log-shipper/1"
end

local function address(reader)
  -- Half IPv4, half IPv6 (both families reach the portal), distinct for every run and
  -- wrk thread (up to 1,024 of them) and up to 2^20 readers each: a run that met the
  -- readers of an earlier one would find them counted within the dedupe window.
  local group = RUN * 8 + thread_number
  if reader % 2 == 0 then
    local n = (group % 1024) * 1048576 + reader % 1048576
    return string.format("%d.%d.%d.%d", 64 + math.floor(n / 16777216) % 64,
      math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  end
  return string.format("2001:db8:%x:%x::%x", group % 65536,
    math.floor(reader / 65536) % 65536, reader % 65536)
end

function request()
  sent = sent + 1
  local views = {}
  for i = 1, BATCH_SIZE do
    local n = sent * BATCH_SIZE + i
    local reader = math.floor(n / READER_VIEWS)
    views[i] = string.format(
      '{"article_id":%d,"client_ip":"%s","user_agent":"%s"}',
      ARTICLE_IDS[n % #ARTICLE_IDS + 1], address(reader),
      USER_AGENTS[reader % #USER_AGENTS + 1])
  end
  return wrk.format("POST", "/v1/views/batch", headers,
    '{"views":[' .. table.concat(views, ",") .. ']}')
end
