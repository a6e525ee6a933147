-- wrk script for bench/soak.py: mixed traffic through nginx, as citizens make it. Each request is, by chance, a vote
-- from a new client (1 in 5 of them an IPv6 /64), or a GET of a page, asset, photo or the voting status from one of
-- 65,536 viewers. Clients are named in X-Forwarded-For, which the soak's nginx believes from 127.0.0.1 (a first
-- hop, as behind a CDN) and then overwrites for the service, as in production.
-- Arguments (after --): interval index, percent of votes, pause per request in ms, file of paths, file of case ids.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function lines(file)
  local all = {}
  for line in io.lines(file) do table.insert(all, line) end
  return all
end

function init(args)
  interval = tonumber(args[1])
  vote_percent = tonumber(args[2])
  pause = tonumber(args[3])
  paths = lines(args[4])
  cases = lines(args[5])
  counter = 0
  math.randomseed(interval * 7919 + id)
end

function delay()
  return pause
end

function request()
  if math.random(100) <= vote_percent then
    counter = counter + 1
    -- Unique across threads and intervals while a thread sends under 250,000 votes an interval.
    local n = (interval * 2 + id) * 250000 + counter
    local client
    if n % 5 == 0 then
      client = string.format("2001:db8:%x:%x::1", math.floor(n / 65536), n % 65536)
    else
      client = string.format("%d.%d.%d.%d", 11 + math.floor(n / 16777216), math.floor(n / 65536) % 256,
        math.floor(n / 256) % 256, n % 256)
    end
    local headers = { ["Content-Type"] = "application/json", ["Origin"] = "https://hall.example.org",
      ["X-Forwarded-For"] = client }
    return wrk.format("POST", "/api/votes", headers, '{"case":"' .. cases[math.random(#cases)] .. '"}')
  end
  local viewer = string.format("10.9.%d.%d", math.random(0, 255), math.random(0, 255))
  return wrk.format("GET", paths[math.random(#paths)], { ["X-Forwarded-For"] = viewer, ["Accept-Encoding"] = "gzip" })
end
