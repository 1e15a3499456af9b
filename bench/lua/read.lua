-- Picks a random path from the whole dataset for every request (PATHS names the list), so that no hot row flatters
-- the figures; counts every non-2xx response; prints the figures as JSON at the end.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local paths = {}
local accept = os.getenv("ACCEPT") or "text/html"
-- ENCODING: the Accept-Encoding a phone's browser sends (wrk sends none); then an answer that is not compressed counts
-- as an error, so that the figure is what a phone gets.
local encoding = os.getenv("ENCODING")

function init(args)
  local file = assert(io.open(os.getenv("PATHS"), "r"))
  for line in file:lines() do paths[#paths + 1] = line end
  file:close()
  seed()
end

function request()
  local headers = { ["Accept"] = accept }
  if encoding then headers["Accept-Encoding"] = encoding end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

-- EXPECT: a status every answer must have (307 for a Digital Link, which redirects to the page as a GS1 resolver does).
local expect = tonumber(os.getenv("EXPECT") or "")

if expect then
  function response(status, headers, body)
    if status ~= expect then errors = errors + 1 end
  end
elseif encoding then
  function response(status, headers, body)
    if status < 200 or status > 299 or not (headers["Content-Encoding"] or headers["content-encoding"]) then errors = errors + 1 end
  end
end
