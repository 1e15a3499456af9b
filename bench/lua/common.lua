-- Shared by read.lua and write.lua: counts every non-2xx response and prints the run's figures as one JSON line.
errors = 0

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

function seed()
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

-- Reads a file of lines "apiKey a,b,c…" into { {key = …, items = {a, b, c…}}, … } (writers' batches, capturers' lots).
function keyed_lists(path)
  local lists = {}
  local file = assert(io.open(path, "r"))
  for line in file:lines() do
    local key, list = line:match("^(%S+) (.+)$")
    local items = {}
    for item in list:gmatch("[^,]+") do items[#items + 1] = item end
    lists[#lists + 1] = { key = key, items = items }
  end
  file:close()
  return lists
end
