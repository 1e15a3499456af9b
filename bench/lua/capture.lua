-- Captures EPCIS 2.0 documents as a partner's system does: EVENTS ObjectEvents per request across one producer's lots
-- (named by {BASE}/p/{code}), each with a CBV bizStep, a readPoint, and the project's note, actor and attributes.
-- CAPTURERS lists "apiKey code,code,…" per producer. Counts every non-2xx; prints the figures as JSON at the end.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local capturers = {}
local count = tonumber(os.getenv("EVENTS") or "1000")
local base = os.getenv("BASE")
local steps = { "commissioning", "packing", "inspecting", "storing", "shipping", "receiving" }

function init(args)
  capturers = keyed_lists(os.getenv("CAPTURERS"))
  seed()
end

local function event(code)
  return '{"type":"ObjectEvent","eventTime":"2025-11-28T07:30:00.000+07:00","eventTimeZoneOffset":"+07:00","action":"OBSERVE",'
    .. '"bizStep":"' .. steps[math.random(#steps)] .. '","quantityList":[{"epcClass":"' .. base .. '/p/' .. code .. '"}],'
    .. '"readPoint":{"id":"geo:19.93,105.48"},"ocop:location":"Kho Xuân Lập","ocop:actor":"Hệ thống nhà phân phối",'
    .. '"ocop:note":"Ghi nhận từ hệ thống đối tác","ocop:attributes":{"nhiệtĐộ":"26°C"}}'
end

function request()
  local c = capturers[math.random(#capturers)]
  local parts = {}
  for i = 1, count do parts[i] = event(c.items[math.random(#c.items)]) end
  local body = '{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ocop":"' .. base .. '/voc/"}],'
    .. '"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2025-11-28T08:00:00.000Z","epcisBody":{"eventList":['
    .. table.concat(parts, ",") .. ']}}'
  return wrk.format("POST", "/api/v1/epcis/capture", { ["Content-Type"] = "application/ld+json", ["X-Api-Key"] = c.key }, body)
end
