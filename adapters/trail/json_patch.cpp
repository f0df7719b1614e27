#include "adapters/trail/json_patch.hpp"

#include <algorithm>
#include <limits>

namespace pactwatch::trail::json_patch {
namespace {

using nlohmann::json;
using Tokens = std::vector<std::string>;

std::string escape_token(std::string_view token) {
  std::string out;
  for (char c : token) {
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

// An array index token: "0" or digits without a leading zero (RFC 6901 §4); npos when not one.
std::size_t parse_index(const std::string& token) {
  constexpr std::size_t kNotIndex = std::numeric_limits<std::size_t>::max();
  if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) return kNotIndex;
  std::size_t value = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return kNotIndex;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

/** Failure of one operation, carrying which member of which operation is at fault. */
struct OpError {
  std::string member;
  std::string message;
  domain::ErrorCode code = domain::ErrorCode::invalid;
};

using OpResult = std::expected<void, OpError>;

OpError bad(std::string member, std::string message) {
  return {std::move(member), std::move(message)};
}

// The value at `tokens`, or an error naming `member` ("path" or "from").
std::expected<json*, OpError> locate(json& root, const Tokens& tokens, const std::string& member) {
  json* node = &root;
  std::string where;
  for (const std::string& token : tokens) {
    where += '/' + escape_token(token);
    if (node->is_object()) {
      auto it = node->find(token);
      if (it == node->end()) return std::unexpected(bad(member, where + " does not exist"));
      node = &*it;
    } else if (node->is_array()) {
      const std::size_t index = parse_index(token);
      if (index >= node->size())
        return std::unexpected(bad(member, where + " is not an element of the array"));
      node = &(*node)[index];
    } else {
      return std::unexpected(bad(member, where + " goes inside a value that is neither object nor array"));
    }
  }
  return node;
}

OpResult add_at(json& root, const Tokens& tokens, json value, const std::string& member) {
  if (tokens.empty()) {
    root = std::move(value);
    return {};
  }
  const Tokens parent_tokens(tokens.begin(), tokens.end() - 1);
  auto parent = locate(root, parent_tokens, member);
  if (!parent) return std::unexpected(parent.error());
  json& target = **parent;
  const std::string& last = tokens.back();
  if (target.is_object()) {
    target[last] = std::move(value);
    return {};
  }
  if (target.is_array()) {
    if (last == "-") {
      target.push_back(std::move(value));
      return {};
    }
    const std::size_t index = parse_index(last);
    if (index > target.size())
      return std::unexpected(bad(member, "array index " + last + " is out of range"));
    target.insert(target.begin() + static_cast<std::ptrdiff_t>(index), std::move(value));
    return {};
  }
  return std::unexpected(bad(member, "the parent of the target is neither object nor array"));
}

std::expected<json, OpError> remove_at(json& root, const Tokens& tokens, const std::string& member) {
  if (tokens.empty()) return std::unexpected(bad(member, "the whole document cannot be removed"));
  auto found = locate(root, tokens, member);
  if (!found) return std::unexpected(found.error());
  json removed = std::move(**found);
  const Tokens parent_tokens(tokens.begin(), tokens.end() - 1);
  json& parent = **locate(root, parent_tokens, member);
  if (parent.is_object()) {
    parent.erase(tokens.back());
  } else {
    parent.erase(parse_index(tokens.back()));
  }
  return removed;
}

std::expected<Tokens, OpError> pointer_member(const json& op, const std::string& member) {
  auto it = op.find(member);
  if (it == op.end() || !it->is_string()) {
    return std::unexpected(bad(member, "\"" + member + "\" must be a JSON Pointer string"));
  }
  auto tokens = parse_pointer(it->get_ref<const std::string&>());
  if (!tokens) return std::unexpected(bad(member, tokens.error().message));
  return *tokens;
}

OpResult apply_one(json& doc, const json& op) {
  if (!op.is_object()) return std::unexpected(bad("", "an operation must be an object"));
  auto op_name = op.find("op");
  if (op_name == op.end() || !op_name->is_string())
    return std::unexpected(bad("op", "\"op\" must be a string"));
  const std::string& name = op_name->get_ref<const std::string&>();
  auto path = pointer_member(op, "path");
  if (!path) return std::unexpected(path.error());
  const bool needs_value = name == "add" || name == "replace" || name == "test";
  auto value = op.find("value");
  if (needs_value && value == op.end())
    return std::unexpected(bad("value", "\"" + name + "\" needs a value"));

  if (name == "add") return add_at(doc, *path, *value, "path");
  if (name == "remove") {
    auto removed = remove_at(doc, *path, "path");
    if (!removed) return std::unexpected(removed.error());
    return {};
  }
  if (name == "replace") {
    auto target = locate(doc, *path, "path");
    if (!target) return std::unexpected(target.error());
    **target = *value;
    return {};
  }
  if (name == "test") {
    auto target = locate(doc, *path, "path");
    if (!target) return std::unexpected(target.error());
    if (**target != *value) {
      return std::unexpected(OpError{"value", "test failed: the value differs", domain::ErrorCode::conflict});
    }
    return {};
  }
  if (name == "move" || name == "copy") {
    auto from = pointer_member(op, "from");
    if (!from) return std::unexpected(from.error());
    if (name == "move") {
      if (*from == *path) return {};
      if (from->size() < path->size() && std::equal(from->begin(), from->end(), path->begin())) {
        return std::unexpected(bad("from", "a value cannot be moved into one of its own children"));
      }
      auto moved = remove_at(doc, *from, "from");
      if (!moved) return std::unexpected(moved.error());
      return add_at(doc, *path, std::move(*moved), "path");
    }
    auto source = locate(doc, *from, "from");
    if (!source) return std::unexpected(source.error());
    return add_at(doc, *path, **source, "path");
  }
  return std::unexpected(bad("op", "unknown operation \"" + name + "\""));
}

void diff_into(const json& before, const json& after, std::string& path, json& ops) {
  if (before == after) return;
  if (!before.is_object() || !after.is_object()) {
    ops.push_back({{"op", "replace"}, {"path", path}, {"value", after}});
    return;
  }
  // Both objects are std::maps: walk the sorted union of keys once.
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    const std::size_t mark = path.size();
    if (a == after.end() || (b != before.end() && b.key() < a.key())) {
      path += '/' + escape_token(b.key());
      ops.push_back({{"op", "remove"}, {"path", path}});
      ++b;
    } else if (b == before.end() || a.key() < b.key()) {
      path += '/' + escape_token(a.key());
      ops.push_back({{"op", "add"}, {"path", path}, {"value", *a}});
      ++a;
    } else {
      path += '/' + escape_token(a.key());
      diff_into(*b, *a, path, ops);
      ++a;
      ++b;
    }
    path.resize(mark);
  }
}

}  // namespace

domain::Result<std::vector<std::string>> parse_pointer(std::string_view pointer) {
  Tokens tokens;
  if (pointer.empty()) return tokens;
  if (pointer.front() != '/') {
    return domain::fail(domain::ErrorCode::invalid, "a JSON Pointer is empty or starts with '/'");
  }
  std::string token;
  for (std::size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(std::move(token));
      token.clear();
    } else if (pointer[i] == '~') {
      const char next = i + 1 < pointer.size() ? pointer[i + 1] : '\0';
      if (next != '0' && next != '1') {
        return domain::fail(domain::ErrorCode::invalid, "'~' in a JSON Pointer must be followed by 0 or 1");
      }
      token += next == '0' ? '~' : '/';
      ++i;
    } else {
      token += pointer[i];
    }
  }
  return tokens;
}

std::string format_pointer(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& token : tokens)
    out += '/' + escape_token(token);
  return out;
}

nlohmann::json diff(const nlohmann::json& before, const nlohmann::json& after) {
  json ops = json::array();
  std::string path;
  diff_into(before, after, path, ops);
  return ops;
}

domain::Result<nlohmann::json> apply(const nlohmann::json& doc, const nlohmann::json& patch) {
  if (!patch.is_array()) return domain::fail(domain::ErrorCode::invalid, "a JSON Patch is an array", "");
  json result = doc;
  for (std::size_t i = 0; i < patch.size(); ++i) {
    if (auto r = apply_one(result, patch[i]); !r) {
      const OpError& e = r.error();
      const std::string op_name =
          patch[i].is_object() && patch[i].contains("op") && patch[i]["op"].is_string()
              ? patch[i]["op"].get<std::string>()
              : "?";
      return domain::fail(e.code, "operation " + std::to_string(i) + " (" + op_name + "): " + e.message,
                          "/" + std::to_string(i) + (e.member.empty() ? "" : "/" + e.member));
    }
  }
  return result;
}

}  // namespace pactwatch::trail::json_patch
