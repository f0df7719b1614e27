-- wrk script for bench/ledger_bench.sh: GET /api/v1/agreements/{id} with an id drawn at random (per request)
-- from the file named by LEDGER_IDS (one agreement id a line, written by gen_ledger.py), so that the
-- benchmark reads the whole table rather than one hot row. The Authorization header comes from wrk -H.
local ids = {}

function init(args)
  local file = os.getenv("LEDGER_IDS")
  if not file then error("LEDGER_IDS is not set") end
  for line in io.lines(file) do
    if #line > 0 then ids[#ids + 1] = "/api/v1/agreements/" .. line end
  end
  if #ids == 0 then error("no ids in " .. file) end
  -- wrk's threads each run this script; seed each differently so they do not walk the same sequence.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
  return wrk.format("GET", ids[math.random(#ids)])
end
