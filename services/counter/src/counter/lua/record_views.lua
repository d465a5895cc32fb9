-- Record views: the whole of counting, one round trip, atomic.
--
-- ARGV[1] article key prefix ("counter:article:")
-- ARGV[2] dedupe window in seconds
-- ARGV[3] the day's ranking set
-- ARGV[4] seconds to keep a day's ranking set
-- ARGV[5] the all-time ranking set
-- ARGV[6] rate-limit key ("" for none); ARGV[7] requests allowed per minute
-- ARGV[8] the views, one line each: "<article id> <visitor digest> <screening reason>\n"
--         (digest and reason may be empty; an empty reason means the view passed)
--
-- Returns a string: "<retry_after>" then " <views> <status>" per view, in order;
-- retry_after > 0 means the address is over its rate and nothing was done. Status:
-- 1 counted, 0 duplicate, 2 not published, 3 screened out before (crawler, excluded).
-- One string in and one out keeps a 1,000-view batch cheap to encode and decode.

local prefix, window = ARGV[1], tonumber(ARGV[2])
local day_key, day_ttl, all_key = ARGV[3], tonumber(ARGV[4]), ARGV[5]
local rate_key, rate_limit = ARGV[6], tonumber(ARGV[7])

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
for id, visitor, screened in string.gmatch(ARGV[8], '(%d+) ([^ \n]*) ([^\n]*)\n') do
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
