-- Picks a random path from the whole dataset for every request (PATHS names the list), so that no hot row flatters
-- the figures; counts every non-2xx response; prints the figures as JSON at the end.
local paths = {}
local accept = os.getenv("ACCEPT") or "text/html"

function init(args)
  local file = assert(io.open(os.getenv("PATHS"), "r"))
  for line in file:lines() do paths[#paths + 1] = line end
  file:close()
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  errors = 0
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], { ["Accept"] = accept })
end

function response(status, headers, body)
  if status < 200 or status > 299 then errors = errors + 1 end
end

local threads = {}
function setup(thread) threads[#threads + 1] = thread end

function done(summary, latency, requests)
  local errs = 0
  for _, t in ipairs(threads) do errs = errs + (t:get("errors") or 0) end
  errs = errs + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"non2xx":%d,"p50_ms":%.3f,"p99_ms":%.3f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), errs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
