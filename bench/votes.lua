-- wrk script for bench/votes.py: every request is a vote from a new client, named in X-Forwarded-For (the service
-- trusts 127.0.0.1 as its proxy), so every vote is a fresh durable write.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  local ip = string.format("%d.%d.%d.%d", 11 + id, math.floor(counter / 65536) % 256,
    math.floor(counter / 256) % 256, counter % 256)
  local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip }
  return wrk.format("POST", nil, headers, '{"case":"a"}')
end
