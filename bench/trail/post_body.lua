-- wrk script for bench/trail_write_bench.sh: POST /api/v1/bodies, a new body each request (the token comes
-- from the TOKEN environment variable).
local n = 0
local token = os.getenv("TOKEN")

request = function()
  n = n + 1
  local body = string.format('{"name":"州财政局第%d科室","region":"532301","kind":"department"}', n)
  return wrk.format("POST", "/api/v1/bodies",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
