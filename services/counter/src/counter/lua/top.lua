-- Most viewed articles of one ranking set, published ones only.
--
-- ARGV[1] the set to read; ARGV[2] seconds to keep it when it is a merge (0 = do not keep)
-- ARGV[3] how many items; ARGV[4] article key prefix ("counter:article:")
-- ARGV[5..] day sets to merge into ARGV[1] when it does not exist yet (none: read as is)
--
-- Returns a flat list: article id, score, article id, score, ...

local target, keep, limit, prefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local merged = #ARGV > 4
if merged and redis.call('EXISTS', target) == 0 then
  redis.call('ZUNIONSTORE', target, #ARGV - 4, unpack(ARGV, 5))
  if keep > 0 then
    redis.call('EXPIRE', target, keep)
  end
end

local out = {}
local start, page_size = 0, limit * 2
while #out < limit * 2 do
  local page = redis.call('ZREVRANGE', target, start, start + page_size - 1, 'WITHSCORES')
  if #page == 0 then
    break
  end
  for j = 1, #page, 2 do
    if redis.call('EXISTS', prefix .. page[j] .. ':published') == 1 then
      out[#out + 1] = page[j]
      out[#out + 1] = page[j + 1]
      if #out >= limit * 2 then
        break
      end
    end
  end
  start = start + page_size
end
if merged and keep <= 0 then
  redis.call('DEL', target)
end
return out
