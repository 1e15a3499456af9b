-- What shoppers do, in stated proportions, with codes of skewed popularity: each list (PAGES, LINKS, ITEMS, QRS) is
-- put in one fixed random order (the same in every thread) and its k-th entry drawn with probability ∝ 1/k (Zipf,
-- s = 1, over the whole list: the top 1 % of 100,000 lots draw ~60 % of the views). The mix (MIX, percentages in the
-- order page,link,item,qr; default 55,25,15,5): a lot's page as a phone asks it, a GS1 Digital Link (307 to the page),
-- an item's page as a phone asks it, the label's QR image.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local phone = "gzip, deflate, br, zstd"
local kinds = {}

local function zipf_list(path)
  local list = {}
  local file = assert(io.open(path, "r"))
  for line in file:lines() do if #line > 0 then list[#list + 1] = line end end
  file:close()
  math.randomseed(29)                      -- the same order in every thread: one popularity for the whole load
  for i = #list, 2, -1 do local j = math.random(i); list[i], list[j] = list[j], list[i] end
  local cumulative, total = {}, 0
  for k = 1, #list do total = total + 1 / k; cumulative[k] = total end
  return { paths = list, cumulative = cumulative, total = total }
end

local function draw(z)
  local x = math.random() * z.total
  local lo, hi = 1, #z.cumulative
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if z.cumulative[mid] < x then lo = mid + 1 else hi = mid end
  end
  return z.paths[lo]
end

function init(args)
  local shares = {}
  for n in (os.getenv("MIX") or "55,25,15,5"):gmatch("%d+") do shares[#shares + 1] = tonumber(n) end
  local specs = {
    { env = "PAGES", headers = { ["Accept"] = "text/html", ["Accept-Encoding"] = phone }, gzip = true },
    { env = "LINKS", headers = { ["Accept"] = "text/html", ["Accept-Encoding"] = phone }, expect = 307 },
    { env = "ITEMS", headers = { ["Accept"] = "text/html", ["Accept-Encoding"] = phone }, gzip = true },
    { env = "QRS", headers = { ["Accept"] = "image/png,image/*" } },
  }
  local upto = 0
  for i, spec in ipairs(specs) do
    upto = upto + (shares[i] or 0)
    spec.upto = upto
    spec.list = zipf_list(assert(os.getenv(spec.env), spec.env .. " names no list"))
    kinds[#kinds + 1] = spec
  end
  seed()
end

function request()
  local roll = math.random(100)
  for _, kind in ipairs(kinds) do
    if roll <= kind.upto then return wrk.format("GET", draw(kind.list), kind.headers) end
  end
  return wrk.format("GET", draw(kinds[1].list), kinds[1].headers)
end

-- wrk does not say which request an answer belongs to, so each answer is judged by what it is: a 307 (a Digital Link),
-- a PNG, or an HTML page sent compressed; anything else counts as an error.
function response(status, headers, body)
  local kind = headers["Content-Type"] or headers["content-type"] or ""
  local encoded = headers["Content-Encoding"] or headers["content-encoding"]
  local ok = status == 307
    or (status == 200 and kind:find("image/png", 1, true) ~= nil)
    or (status == 200 and kind:find("text/html", 1, true) ~= nil and encoded ~= nil)
  if not ok then errors = errors + 1 end
end
