-- Writes events as producers' phones do. WRITERS lists "apiKey batchId,batchId,…" per producer. BULK=0: one event to
-- a random batch per request (POST /api/v1/batches/{id}/events); BULK=N: N events across one producer's batches
-- per request (POST /api/v1/events). Counts every non-2xx response; prints the figures as JSON at the end.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local writers = {}
local bulk = tonumber(os.getenv("BULK") or "0")
local types = { "cultivating", "harvesting", "processing", "packing", "inspecting", "storing", "shipping" }

function init(args)
  writers = keyed_lists(os.getenv("WRITERS"))
  seed()
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
    local batch = w.items[math.random(#w.items)]
    return wrk.format("POST", "/api/v1/batches/" .. batch .. "/events", headers, event(batch, false))
  end
  local parts = {}
  for i = 1, bulk do parts[i] = event(w.items[math.random(#w.items)], true) end
  return wrk.format("POST", "/api/v1/events", headers, '{"events":[' .. table.concat(parts, ",") .. ']}')
end
