#include "adapters/sync/external_key.hpp"

#include "adapters/trail/hash.hpp"

namespace pactwatch::sync {

std::string external_key_lookup(std::string_view external_key) {
  if (external_key.size() <= kLiteralKeyBytes) return std::string(external_key);
  std::string lookup(external_key.substr(0, kLiteralKeyBytes));
  lookup += '#';
  lookup += trail::sha256_hex(external_key);
  return lookup;
}

}  // namespace pactwatch::sync
