#include "bench/sync/synthetic_ocds.hpp"

#include <array>
#include <string>
#include <string_view>

#include "domain/identifiers.hpp"

namespace pactwatch::platform::ocds::testing {
namespace {

/** SplitMix64: small, fast and the same on every platform. */
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

/** The county-level regions of 楚雄州 (GB/T 2260) and their names. */
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kCounties{{
    {"532301", "楚雄市"},
    {"532302", "禄丰市"},
    {"532322", "双柏县"},
    {"532323", "牟定县"},
    {"532324", "南华县"},
    {"532325", "姚安县"},
    {"532326", "大姚县"},
    {"532327", "永仁县"},
    {"532328", "元谋县"},
    {"532329", "武定县"},
}};

constexpr std::array<std::string_view, 27> kDepartments{"财政局",
                                                        "教育体育局",
                                                        "卫生健康局",
                                                        "住房和城乡建设局",
                                                        "交通运输局",
                                                        "水务局",
                                                        "农业农村局",
                                                        "自然资源局",
                                                        "生态环境局",
                                                        "民政局",
                                                        "人力资源和社会保障局",
                                                        "公安局",
                                                        "司法局",
                                                        "文化和旅游局",
                                                        "工业和信息化局",
                                                        "商务局",
                                                        "林业和草原局",
                                                        "应急管理局",
                                                        "市场监督管理局",
                                                        "医疗保障局",
                                                        "退役军人事务局",
                                                        "统计局",
                                                        "审计局",
                                                        "发展和改革局",
                                                        "人民医院",
                                                        "第一中学",
                                                        "城市管理局"};

constexpr std::array<std::string_view, 8> kTrades{"建设",     "工程",     "科技",     "物业服务",
                                                  "医疗器械", "信息技术", "园林绿化", "交通设施"};

/** A valid unified social credit code: authority, type, region, an 8-digit serial (9 digits with "0"). */
std::string credit_code(char authority, char type, std::string_view region, std::uint64_t serial) {
  std::string first17 = std::string{authority, type} + std::string(region);
  first17 += std::to_string(10000000 + serial % 89999999) + "0";
  return first17 + pactwatch::domain::credit_code_check_character(first17);
}

std::string amount(std::uint64_t fen) {
  std::string cents = std::to_string(fen % 100);
  if (cents.size() == 1) cents = "0" + cents;
  return std::to_string(fen / 100) + "." + cents;
}

std::string date(int year, int month, int day) {
  auto two = [](int v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  return std::to_string(year) + "-" + two(month) + "-" + two(day) + "T00:00:00+08:00";
}

/** Buyer `i` of the pool: the same party object in every release that names it. */
std::string buyer_party(std::size_t i) {
  const auto& [region, county] = kCounties[i % kCounties.size()];
  const std::string_view department = kDepartments[(i / kCounties.size()) % kDepartments.size()];
  return R"({"id":"B)" + std::to_string(i) + R"(","name":")" + std::string(county) + std::string(department) +
         R"(","roles":["buyer","payer"],"identifier":{"scheme":"CN-USCC","id":")" +
         credit_code('1', '1', region, 1000 + i) + R"("}})";
}

/** Supplier `i` of the pool; two thirds are SMEs. */
std::string supplier_party(std::size_t i) {
  const auto& [region, county] = kCounties[(i * 7) % kCounties.size()];
  const std::string_view trade = kTrades[i % kTrades.size()];
  const bool sme = i % 3 != 0;
  return R"({"id":"S)" + std::to_string(i) + R"(","name":"云南)" + std::string(county.substr(0, 6)) +
         std::to_string(i) + std::string(trade) + R"(有限公司","roles":["supplier","payee"],)" +
         R"("identifier":{"scheme":"CN-USCC","id":")" + credit_code('9', '1', region, 500000 + i) +
         R"("},"details":{"scale":")" + (sme ? "sme" : "large") + R"("}})";
}

void release(std::string& s, std::size_t n, Rng& rng, SyntheticCounts& counts) {
  const std::string ocid = "ocds-pw5323-" + std::to_string(n);
  const std::size_t buyer = rng.below(kSyntheticBuyers);
  const std::size_t supplier = rng.below(kSyntheticSuppliers);
  const std::string b = "B" + std::to_string(buyer), p = "S" + std::to_string(supplier);
  const std::size_t milestones = 3 + rng.below(6);
  const std::size_t met = rng.below(milestones + 1);
  const std::size_t amendments = rng.below(3);
  const bool terminated = rng.below(20) == 0;
  const std::uint64_t share = 100000 + rng.below(5000000);
  s += R"({"ocid":")" + ocid + R"(","id":")" + ocid + R"(-impl-1","date":")" + date(2024, 6, 1) +
       R"(","tag":["implementation"],"initiationType":"tender","parties":[)" + buyer_party(buyer) + "," +
       supplier_party(supplier) + R"(],"buyer":{"id":")" + b + R"("},"contracts":[{"id":"C1",)" +
       R"("title":"楚雄州政府采购合同)" + std::to_string(n) + R"(","status":")" +
       (terminated ? "terminated" : "active") + R"(","dateSigned":")" + date(2024, 1, 15) +
       R"(","value":{"amount":)" + amount(share * milestones) +
       R"(,"currency":"CNY"},"implementation":{"milestones":[)";
  std::string transactions;
  for (std::size_t j = 0; j < milestones; ++j) {
    const bool payment = j % 2 == 1;
    const int month = 2 + static_cast<int>(j);
    s += (j ? "," : "") + std::string(R"({"id":"M)") + std::to_string(j) + R"(","type":")" +
         (payment ? "payment" : "delivery") + R"(","title":"第)" + std::to_string(j + 1) +
         R"(期","dueDate":")" + date(2024, month, 28) + "\"";
    if (payment) s += R"(,"value":{"amount":)" + amount(share) + R"(,"currency":"CNY"})";
    if (j < met) {
      s += R"(,"status":"met","dateMet":")" + date(2024, month, 20) + "\"}";
      if (payment) {
        transactions += (transactions.empty() ? "" : ",") + std::string(R"({"id":"T)") + std::to_string(j) +
                        R"(","date":")" + date(2024, month, 20) + R"(","value":{"amount":)" + amount(share) +
                        R"(,"currency":"CNY"},"payer":{"id":")" + b + R"("},"payee":{"id":")" + p +
                        R"("},"relatedImplementationMilestone":{"id":"M)" + std::to_string(j) + R"("}})";
      }
    } else {
      s += R"(,"status":"scheduled"})";
    }
  }
  s += "],\"transactions\":[" + transactions + "]}";
  if (amendments) {
    s += R"(,"amendments":[)";
    for (std::size_t a = 0; a < amendments; ++a) {
      s += (a ? "," : "") + std::string(R"({"id":"A)") + std::to_string(a) + R"(","date":")" +
           date(2024, 3 + static_cast<int>(a), 1) + R"(","rationale":"依据合同第十二条延长交付期限"})";
    }
    s += "]";
  }
  s += "}]}";
  counts.releases += 1;
  counts.agreements += 1;
  counts.commitments += milestones;
  counts.facts += met + amendments + (terminated ? 1 : 0);
  counts.terminations += terminated ? 1 : 0;
}

}  // namespace

SyntheticCounts write_synthetic_ocds(std::ostream& out, std::size_t count, SyntheticLayout layout,
                                     std::uint64_t seed) {
  Rng rng{seed};
  SyntheticCounts counts;
  std::string s;
  if (layout == SyntheticLayout::package) {
    s = R"({"uri":"https://example.org/pactwatch/synthetic","version":"1.1","publishedDate":"2024-06-01T00:00:00Z",)"
        "\n\"releases\": [\n";
  }
  for (std::size_t n = 0; n < count; ++n) {
    if (layout == SyntheticLayout::package && n) s += ",\n";
    release(s, n, rng, counts);
    if (layout == SyntheticLayout::json_lines) s += '\n';
    if (s.size() > (1 << 20)) {
      counts.bytes += s.size();
      out << s;
      s.clear();
    }
  }
  if (layout == SyntheticLayout::package) s += "\n]}\n";
  counts.bytes += s.size();
  out << s;
  return counts;
}

}  // namespace pactwatch::platform::ocds::testing
