-- Record views: the whole of counting, one round trip, atomic.
--
-- ARGV[1] the settings, one line: "<article key prefix> <dedupe window s> <seconds to keep
--         a day's ranking set> <all-time ranking set> <requests allowed per minute>"
-- ARGV[2] the day's ranking set
-- ARGV[3] rate-limit key ("" for none)
-- ARGV[4] the views, one line each: "<article id> <visitor digest> <screening reason>\n"
--         (digest and reason may be empty; an empty reason means the view passed)
--
-- Returns a string: "<retry_after> <statuses>" then " <views before>" per article in
-- the order the views first name them; retry_after > 0 means the address is over its
-- rate and nothing was done. <statuses> has one digit per view, in order: 1 counted,
-- 0 duplicate, 2 not published, 3 screened out before (crawler, excluded). A view's
-- total is its article's views before plus the article's views counted up to it.
-- One string in and one out keeps a 1,000-view batch cheap to encode and decode, and
-- numbers are written once per article, not once per view.
--
-- Only the visitor's dedupe key is written per view. What an article gains (its total,
-- its visitors, its place in both rankings) is written once per article at the end, by
-- the number of views it gained; each view's answer (the article's total just after
-- it) is worked out by the caller. The script is atomic, so no reader sees the
-- difference.

local prefix, window, day_ttl, all_key, rate_limit =
  string.match(ARGV[1], '^(%S+) (%d+) (%d+) (%S+) (%d+)$')
day_ttl, rate_limit = tonumber(day_ttl), tonumber(rate_limit)
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

local articles, seen_order = {}, {}
local statuses = {}  -- per view, in order: one digit
for id, visitor, screened in string.gmatch(ARGV[4], '(%d+) ([^ \n]*) ([^\n]*)\n') do
  local article = articles[id]
  if article == nil then
    local base = prefix .. id .. ':'
    article = {id = id, base = base, seen = base .. 'seen:', gained = 0, visitors = {}}
    articles[id] = article
    seen_order[#seen_order + 1] = article
  end
  local status
  if screened ~= '' then
    status = '3'
  else
    if article.published == nil then
      article.published = redis.call('EXISTS', article.base .. 'published') == 1
    end
    if not article.published then
      status = '2'
    elseif not redis.call('SET', article.seen .. visitor, '1', 'NX', 'EX', window) then
      status = '0'
    else
      article.gained = article.gained + 1
      article.visitors[article.gained] = visitor
      status = '1'
    end
  end
  statuses[#statuses + 1] = status
end

local counted_any = false
for _, article in ipairs(seen_order) do
  if article.gained > 0 then
    local total = redis.call('INCRBY', article.base .. 'views', article.gained)
    article.before = total - article.gained
    for first = 1, article.gained, 500 do
      redis.call('PFADD', article.base .. 'visitors',
        unpack(article.visitors, first, math.min(first + 499, article.gained)))
    end
    redis.call('ZINCRBY', day_key, article.gained, article.id)
    redis.call('ZINCRBY', all_key, article.gained, article.id)
    counted_any = true
  else
    article.before = tonumber(redis.call('GET', article.base .. 'views') or '0')
  end
end
if counted_any then
  redis.call('EXPIRE', day_key, day_ttl)
end

local out = {'0', table.concat(statuses)}
for index, article in ipairs(seen_order) do
  out[index + 2] = string.format('%.0f', article.before)  -- every digit, up to 2^53
end
return table.concat(out, ' ')
