-- Record views: the whole of counting, one round trip, atomic.
--
-- ARGV[1] the settings, one line: "<article key prefix> <dedupe window s> <seconds to keep
--         a day's ranking set> <all-time ranking set> <requests allowed per minute>"
-- ARGV[2] the day's ranking set
-- ARGV[3] rate-limit key ("" for none)
-- ARGV[4] the views, one line each: "<article id> <visitor digest> <screening reason>\n"
--         (digest and reason may be empty; an empty reason means the view passed)
--
-- Returns a string: "<retry_after>" then " <views> <status>" per view, in order;
-- retry_after > 0 means the address is over its rate and nothing was done. Status:
-- 1 counted, 0 duplicate, 2 not published, 3 screened out before (crawler, excluded).
-- One string in and one out keeps a 1,000-view batch cheap to encode and decode.

local prefix, window, day_ttl, all_key, rate_limit =
  string.match(ARGV[1], '^(%S+) (%d+) (%d+) (%S+) (%d+)$')
window, day_ttl, rate_limit = tonumber(window), tonumber(day_ttl), tonumber(rate_limit)
local day_key, rate_key = ARGV[2], ARGV[3]

if rate_key ~= '' then
  local used = redis.call('INCR', rate_key)
  if used == 1 then
    redis.call('EXPIRE', rate_key, 60)
  end
  if used > rate_limit then
    local ttl = redis.call('TTL', rate_key)
    if ttl < 1 then
      redis.call('EXPIRE', rate_key, 60)
      ttl = 60
    end
    return tostring(ttl)
  end
end

local out = {'0'}
local counted_any = false
for id, visitor, screened in string.gmatch(ARGV[4], '(%d+) ([^ \n]*) ([^\n]*)\n') do
  local base = prefix .. id .. ':'
  local status
  local views
  if screened ~= '' then
    status = 3
  elseif redis.call('EXISTS', base .. 'published') == 0 then
    status = 2
  elseif not redis.call('SET', base .. 'seen:' .. visitor, '1', 'NX', 'EX', window) then
    status = 0
  else
    views = redis.call('INCR', base .. 'views')
    redis.call('PFADD', base .. 'visitors', visitor)
    redis.call('ZINCRBY', day_key, 1, id)
    redis.call('ZINCRBY', all_key, 1, id)
    counted_any = true
    status = 1
  end
  if views == nil then
    views = tonumber(redis.call('GET', base .. 'views') or '0')
  end
  out[#out + 1] = views .. ' ' .. status
end
if counted_any then
  redis.call('EXPIRE', day_key, day_ttl)
end
return table.concat(out, ' ')
