-- Writes events as producers' phones do. WRITERS lists "apiKey batchId,batchId,…" per producer. BULK=0: one event to
-- a random batch per request (POST /api/v1/batches/{id}/events); BULK=N: N events across one producer's batches
-- per request (POST /api/v1/events). Counts every non-2xx response; prints the figures as JSON at the end.
local writers = {}
local bulk = tonumber(os.getenv("BULK") or "0")
local types = { "cultivating", "harvesting", "processing", "packing", "inspecting", "storing", "shipping" }

function init(args)
  local file = assert(io.open(os.getenv("WRITERS"), "r"))
  for line in file:lines() do
    local key, list = line:match("^(%S+) (.+)$")
    local batches = {}
    for id in list:gmatch("[^,]+") do batches[#batches + 1] = id end
    writers[#writers + 1] = { key = key, batches = batches }
  end
  file:close()
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  errors = 0
end

local function event(batch, withBatch)
  local prefix = withBatch and ('"batchId":"' .. batch .. '",') or ""
  return '{' .. prefix .. '"type":"' .. types[math.random(#types)] .. '","occurredAt":"2025-11-28T07:30:00+07:00",'
    .. '"location":{"name":"Đồi chè Xuân Lập","latitude":19.93,"longitude":105.48},"actor":"Tổ sản xuất số 2",'
    .. '"note":"Ghi chép đồng bộ từ điện thoại","attributes":{"nhiệtĐộ":"26°C"}}'
end

function request()
  local w = writers[math.random(#writers)]
  local headers = { ["Content-Type"] = "application/json", ["X-Api-Key"] = w.key }
  if bulk == 0 then
    local batch = w.batches[math.random(#w.batches)]
    return wrk.format("POST", "/api/v1/batches/" .. batch .. "/events", headers, event(batch, false))
  end
  local parts = {}
  for i = 1, bulk do parts[i] = event(w.batches[math.random(#w.batches)], true) end
  return wrk.format("POST", "/api/v1/events", headers, '{"events":[' .. table.concat(parts, ",") .. ']}')
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
