// gen_ocds: writes N synthetic OCDS releases (bench/sync/synthetic_ocds.hpp) for bench/sync_bench.sh.
//
//   gen_ocds N OUT_FILE [--package] [--seed S]
//
// JSON Lines by default, one release package with --package. Prints what a correct mapping yields.

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "bench/sync/synthetic_ocds.hpp"

namespace {

bool parse_number(std::string_view text, std::uint64_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size();
}

int usage() {
  std::cerr << "usage: gen_ocds N OUT_FILE [--package] [--seed S]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  namespace t = pactwatch::platform::ocds::testing;
  if (argc < 3) return usage();
  std::uint64_t count = 0, seed = 42;
  if (!parse_number(argv[1], count)) return usage();
  const std::string path = argv[2];
  t::SyntheticLayout layout = t::SyntheticLayout::json_lines;
  for (int i = 3; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--package") {
      layout = t::SyntheticLayout::package;
    } else if (arg == "--seed" && i + 1 < argc && parse_number(argv[i + 1], seed)) {
      ++i;
    } else {
      return usage();
    }
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    std::cerr << "gen_ocds: cannot write " << path << "\n";
    return 1;
  }
  const auto c = t::write_synthetic_ocds(out, static_cast<std::size_t>(count), layout, seed);
  out.close();
  if (!out) {
    std::cerr << "gen_ocds: writing " << path << " failed\n";
    return 1;
  }
  std::cout << c.releases << " releases, " << c.agreements << " agreements, " << c.commitments
            << " commitments, " << c.facts << " facts (" << c.terminations << " terminations), " << c.bytes
            << " bytes\n";
  return 0;
}
