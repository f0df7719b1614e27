#include "adapters/store/ids.hpp"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>

#include "adapters/clock/system_clock.hpp"

namespace pactwatch::store {

namespace {
constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}  // namespace

std::string new_id(std::string_view prefix) {
  static std::mutex mutex;
  static std::uint64_t last_ms = 0;
  static std::array<unsigned char, 10> last_random{};
  const auto now = clock::system_clock().now().time_since_epoch().count();
  std::uint64_t ms = static_cast<std::uint64_t>(now);
  std::array<unsigned char, 10> random{};
  {
    std::lock_guard lock(mutex);
    if (ms <= last_ms) {
      ms = last_ms;
      random = last_random;
      for (int i = 9; i >= 0 && ++random[static_cast<std::size_t>(i)] == 0; --i) {
      }
    } else if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
      throw std::runtime_error("no random bytes for a new id");
    }
    last_ms = ms;
    last_random = random;
  }
  std::array<unsigned char, 16> bytes{};
  for (int i = 0; i < 6; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  std::copy(random.begin(), random.end(), bytes.begin() + 6);
  // 128 bits → 26 base32 characters (the first carries 3 bits).
  std::string out;
  out.reserve(prefix.size() + 27);
  out += prefix;
  out += '_';
  for (int c = 0; c < 26; ++c) {
    const int bit = c == 0 ? 0 : 3 + (c - 1) * 5;
    const int width = c == 0 ? 3 : 5;
    int value = 0;
    for (int b = 0; b < width; ++b) {
      const int index = bit + b;
      value = (value << 1) | ((bytes[static_cast<std::size_t>(index / 8)] >> (7 - index % 8)) & 1);
    }
    out += kCrockford[static_cast<std::size_t>(value)];
  }
  return out;
}

}  // namespace pactwatch::store
