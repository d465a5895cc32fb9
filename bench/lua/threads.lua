-- Prepended to every scenario script: numbers wrk's threads so that what they
-- generate (visitor ids, addresses) never collides between threads.

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end
