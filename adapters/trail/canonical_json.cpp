#include "adapters/trail/canonical_json.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <vector>

namespace pactwatch::trail {
namespace {

using nlohmann::json;

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629 table), 0 when ill-formed.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  const auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < s.size() && b(k) >= lo && b(k) <= hi;
  };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c == 0xE0) return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (c == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;  // no UTF-16 surrogates
  if (c == 0xF0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c == 0xF4) return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

// The escape of a byte below 0x20, '"' or '\\': a short form where JSON has one, else \u00xx.
void append_escape(unsigned char c, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
  }
}

std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

domain::Result<void> append_value(const json& value, std::string& out, std::string& where) {
  switch (value.type()) {
    case json::value_t::null:
      out += "null";
      return {};
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return {};
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: {
      char buf[24];
      const auto r = value.is_number_unsigned()
                         ? std::to_chars(buf, buf + sizeof buf, value.get<std::uint64_t>())
                         : std::to_chars(buf, buf + sizeof buf, value.get<std::int64_t>());
      out.append(buf, r.ptr);
      return {};
    }
    case json::value_t::number_float:
      return domain::fail(domain::ErrorCode::invalid,
                          "canonical JSON has integers only; amounts are decimal strings", where);
    case json::value_t::string:
      if (!append_json_string(value.get_ref<const std::string&>(), out)) {
        return domain::fail(domain::ErrorCode::invalid, "string is not valid UTF-8", where);
      }
      return {};
    case json::value_t::array: {
      out += '[';
      std::size_t index = 0;
      for (const auto& element : value) {
        if (index > 0) out += ',';
        const std::size_t mark = where.size();
        where += '/';
        where += std::to_string(index++);
        if (auto r = append_value(element, out, where); !r) return r;
        where.resize(mark);
      }
      out += ']';
      return {};
    }
    case json::value_t::object: {
      // Sort explicitly by unsigned bytes rather than relying on the container's comparator.
      using Member = json::object_t::value_type;
      std::vector<const Member*> members;
      members.reserve(value.size());
      for (const auto& member : value.get_ref<const json::object_t&>())
        members.push_back(&member);
      std::sort(members.begin(), members.end(), [](const Member* a, const Member* b) {
        return std::lexicographical_compare(
            a->first.begin(), a->first.end(), b->first.begin(), b->first.end(),
            [](char x, char y) { return static_cast<unsigned char>(x) < static_cast<unsigned char>(y); });
      });
      out += '{';
      bool first = true;
      for (const Member* member : members) {
        const std::string& key = member->first;
        if (!first) out += ',';
        first = false;
        const std::size_t mark = where.size();
        where += '/';
        where += pointer_token(key);
        if (!append_json_string(key, out)) {
          return domain::fail(domain::ErrorCode::invalid, "object key is not valid UTF-8", where);
        }
        out += ':';
        if (auto r = append_value(member->second, out, where); !r) return r;
        where.resize(mark);
      }
      out += '}';
      return {};
    }
    case json::value_t::binary:
    case json::value_t::discarded:
      break;
  }
  return domain::fail(domain::ErrorCode::invalid, "value has no JSON text form", where);
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void append_json_string_unchecked(std::string_view text, std::string& out) {
  // Which bytes need an escape: the C0 controls, '"' and '\\'.
  static constexpr auto kNeedsEscape = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 0x20; ++c)
      table[c] = true;
    table['"'] = table['\\'] = true;
    return table;
  }();
  out += '"';
  std::size_t run = 0;
  std::size_t i = 0;
  // Eight bytes at a time while none needs an escape (most text has none): a byte b needs one when
  // b < 0x20, b == '"' or b == '\\'. has_zero(x) is non-zero iff some byte of x is zero (exact for the
  // lowest such byte, which is all we need to stop); bytes >= 0x80 never match.
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    const std::uint64_t control = (w - kOnes * 0x20) & ~w & kHighs;  // some byte < 0x20
    if ((control | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'))) != 0) break;
  }
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!kNeedsEscape[c]) continue;
    out.append(text.data() + run, i - run);
    append_escape(c, out);
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

bool append_json_string(std::string_view text, std::string& out) {
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes copied verbatim
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(text, i);
      if (n == 0) return false;
      i += n;
      continue;
    }
    out.append(text.data() + run, i - run);
    append_escape(c, out);
    run = ++i;
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
  return true;
}

domain::Result<void> append_canonical_json(const json& value, std::string& out) {
  std::string where;
  return append_value(value, out, where);
}

domain::Result<std::string> canonical_json(const json& value) {
  std::string out;
  if (auto r = append_canonical_json(value, out); !r) return std::unexpected(r.error());
  return out;
}

}  // namespace pactwatch::trail
