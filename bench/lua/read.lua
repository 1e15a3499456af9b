-- Picks a random path from the whole dataset for every request (PATHS names the list), so that no hot row flatters
-- the figures; counts every non-2xx response; prints the figures as JSON at the end.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local paths = {}
local accept = os.getenv("ACCEPT") or "text/html"

function init(args)
  local file = assert(io.open(os.getenv("PATHS"), "r"))
  for line in file:lines() do paths[#paths + 1] = line end
  file:close()
  seed()
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], { ["Accept"] = accept })
end
