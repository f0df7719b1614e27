#include "tests/platform/synthetic_ocds.hpp"

#include <string>

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

/** A valid unified social credit code registered in 楚雄州 (region 532301). */
std::string credit_code(char authority, char type, std::uint64_t serial) {
  std::string first17 = std::string{authority, type} + "532301";
  std::string body = std::to_string(10000000 + serial % 89999999);  // 8 digits
  first17 += body + "0";
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

void release(std::string& s, std::size_t n, Rng& rng, SyntheticCounts& counts) {
  const std::string ocid = "ocds-pw5323-" + std::to_string(n);
  const std::string buyer = credit_code('1', '1', n % 97);
  const std::string supplier = credit_code('9', '1', n);
  const std::size_t milestones = 3 + rng.below(6);
  const std::size_t met = rng.below(milestones + 1);
  const std::size_t amendments = rng.below(3);
  const std::uint64_t share = 100000 + rng.below(5000000);
  s += R"({"ocid":")" + ocid + R"(","id":")" + ocid + R"(-impl-1","date":")" + date(2024, 6, 1) +
       R"(","tag":["implementation"],"initiationType":"tender","parties":[)";
  s += R"({"id":"B)" + std::to_string(n % 97) + R"(","name":"楚雄市财政局","roles":["buyer"],)" +
       R"("identifier":{"scheme":"CN-USCC","id":")" + buyer + R"("}},)";
  s += R"({"id":"S)" + std::to_string(n) + R"(","name":"云南某建设有限公司","roles":["supplier","payee"],)" +
       R"("identifier":{"scheme":"CN-USCC","id":")" + supplier + R"("},"details":{"scale":"sme"}}],)";
  s += R"("buyer":{"id":"B)" + std::to_string(n % 97) +
       R"("},"contracts":[{"id":"C1","title":"楚雄州政府采购合同",)";
  s += R"("status":"active","dateSigned":")" + date(2024, 1, 15) + R"(","value":{"amount":)" +
       amount(share * milestones) + R"(,"currency":"CNY"},"implementation":{"milestones":[)";
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
                        R"(,"currency":"CNY"},"payer":{"id":"B)" + std::to_string(n % 97) +
                        R"("},"payee":{"id":"S)" + std::to_string(n) +
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
  counts.facts += met + amendments;
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
