-- wrk script for bench/trail_write_bench.sh (WORKLOAD=mix): the ledger's everyday writes instead of the
-- smallest one. Per cycle of eight requests: one new agreement (POST /api/v1/agreements), four commitments
-- under agreements created before (POST /api/v1/commitments) and three part payments on commitments
-- created before (POST /api/v1/facts, kind fulfilled; a fact also runs detection for its commitment, as in
-- production). The script starts from the body, supplier and agreement ids the bench script created
-- (BODY_ID, ORG_ID, AGREEMENT_ID) and learns new ids from the 201 answers. Token: TOKEN.
local token = os.getenv("TOKEN")
local body_id = os.getenv("BODY_ID")
local org_id = os.getenv("ORG_ID")
local agreements = { os.getenv("AGREEMENT_ID") }
local commitments = {}
local n = 0
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }

local function post(path, body)
  return wrk.format("POST", path, headers, body)
end

request = function()
  n = n + 1
  local step = n % 8
  if step == 0 then
    return post("/api/v1/agreements", string.format(
      '{"kind":"procurement","title":"楚雄州政府采购合同%d","body_id":"%s","counterparty_id":"%s",' ..
      '"value":{"amount":"1280000.00","currency":"CNY"},"signed_on":"2026-03-02",' ..
      '"platform_project_code":"ZC2026-B%07d"}', n, body_id, org_id, n))
  elseif step <= 4 or #commitments == 0 then
    local a = agreements[math.random(#agreements)]
    return post("/api/v1/commitments", string.format(
      '{"agreement_id":"%s","obligor_side":"government","obligor_id":"%s","kind":"payment",' ..
      '"title":"第%d期款","due":"2026-%02d-28","amount":{"amount":"384000.00","currency":"CNY"},' ..
      '"grace_days":5}', a, body_id, n, 4 + n % 9))
  else
    local c = commitments[math.random(#commitments)]
    return post("/api/v1/facts", string.format(
      '{"commitment_id":"%s","kind":"fulfilled","on":"2026-%02d-15","amount":{"amount":"96000.00","currency":"CNY"}}',
      c, 1 + n % 12))
  end
end

response = function(status, headers, body)
  if status ~= 201 then return end
  local id = body:match('"id":"([^"]+)"')
  if not id then return end
  if id:sub(1, 3) == "agr" then
    agreements[#agreements + 1] = id
  elseif id:sub(1, 3) == "com" then
    commitments[#commitments + 1] = id
  end
end
