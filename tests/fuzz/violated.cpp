#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/fuzz_entries.hpp"

namespace pactwatch::fuzz {

void violated(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "fuzz property violated: %.*s\n", static_cast<int>(what.size()), what.data());
  if (!detail.empty()) std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace pactwatch::fuzz
