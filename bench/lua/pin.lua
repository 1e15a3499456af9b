-- A shopper's PIN entries: POSTs the item page's form with the item's right PIN, for random items from the whole
-- sample (PINS names the "path pin" list); counts every non-2xx answer; prints the figures as JSON at the end.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local entries = {}

function init(args)
  local file = assert(io.open(os.getenv("PINS"), "r"))
  for line in file:lines() do
    local path, pin = line:match("^(%S+) (%d+)$")
    if path then entries[#entries + 1] = { path, pin } end
  end
  file:close()
  seed()
end

function request()
  local e = entries[math.random(#entries)]
  return wrk.format("POST", e[1], { ["Content-Type"] = "application/x-www-form-urlencoded", ["Accept"] = "text/html" }, "pin=" .. e[2])
end
