#include "adapters/store/migrations.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

namespace pactwatch::store {
namespace {

using domain::ErrorCode;
using domain::Result;

bool valid_migration_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string upper_words(std::string_view text, std::size_t max_words) {
  std::string out;
  std::size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      if (!in_word && words == max_words) break;
      if (!in_word) {
        if (!out.empty()) out.push_back(' ');
        ++words;
      }
      in_word = true;
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    } else {
      in_word = false;
    }
  }
  return out;
}

/** True for CREATE [TEMP|TEMPORARY] TRIGGER and MySQL's CREATE DEFINER=... TRIGGER. */
bool is_trigger(std::string_view statement_code) {
  const std::string head = upper_words(statement_code, 4);
  return head.starts_with("CREATE") && head.find("TRIGGER") != std::string::npos;
}

/** The last word of `code` (letters only), upper-cased. */
std::string last_word(std::string_view code) {
  std::size_t end = code.size();
  while (end > 0 && std::isspace(static_cast<unsigned char>(code[end - 1])))
    --end;
  std::size_t begin = end;
  while (begin > 0 && std::isalpha(static_cast<unsigned char>(code[begin - 1])))
    --begin;
  return upper_words(code.substr(begin, end - begin), 1);
}

}  // namespace

Result<std::vector<MigrationFile>> load_migration_files(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return domain::fail(ErrorCode::unavailable, "migration directory " + dir.string() + " does not exist");
  }
  std::map<std::string, MigrationFile> by_version;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    const std::string stem = entry.path().stem().string();
    const bool digits = stem.size() > 5 && std::all_of(stem.begin(), stem.begin() + 4,
                                                       [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || stem[4] != '_' || !valid_migration_name(stem.substr(5))) {
      return domain::fail(ErrorCode::invalid,
                          "migration file " + file + " is not named NNNN_name.sql (name: a-z, 0-9, _)");
    }
    MigrationFile m{stem.substr(0, 4), stem.substr(5), {}, {}};
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in.is_open())
      return domain::fail(ErrorCode::invalid, "cannot read migration file " + entry.path().string());
    std::ostringstream text;
    text << in.rdbuf();
    m.text = std::move(text).str();
    m.checksum = sha256_hex(m.text);
    if (by_version.contains(m.version)) {
      return domain::fail(ErrorCode::invalid, "migration files " + by_version[m.version].file_name() +
                                                  " and " + file + " share version " + m.version);
    }
    by_version.emplace(m.version, std::move(m));
  }
  if (ec) return domain::fail(ErrorCode::unavailable, "cannot list " + dir.string() + ": " + ec.message());
  std::vector<MigrationFile> files;
  for (auto& [version, m] : by_version)
    files.push_back(std::move(m));
  return files;
}

std::vector<std::string> split_sql_statements(std::string_view text, bool backslash_escapes) {
  std::vector<std::string> statements;
  // Comments are dropped from what is executed: some drivers (SOCI's MySQL backend among them) scan the
  // text for placeholders and do not know SQL comments.
  std::string current;  // the statement to execute: the text without comments
  std::string code;     // the same without comments and literals, to recognise keywords
  auto finish = [&] {
    if (code.find_first_not_of(" \t\r\n") != std::string::npos) {
      const auto b = current.find_first_not_of(" \t\r\n");
      const auto e = current.find_last_not_of(" \t\r\n");
      statements.push_back(current.substr(b, e - b + 1));
    }
    current.clear();
    code.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '\'' || c == '"' || c == '`') {
      // A literal or quoted identifier: a doubled quote (and, on MySQL, a backslash) escapes.
      std::size_t j = i + 1;
      while (j < text.size()) {
        if (backslash_escapes && c != '`' && text[j] == '\\') {
          j += 2;
          continue;
        }
        if (text[j] == c) {
          if (j + 1 < text.size() && text[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      j = std::min(j + 1, text.size());
      current.append(text.substr(i, j - i));
      code.append(" x ");
      i = j;
    } else if ((c == '-' && next == '-') || (c == '#' && backslash_escapes)) {
      i = std::min(text.find('\n', i), text.size());
    } else if (c == '/' && next == '*') {
      const std::size_t close = text.find("*/", i + 2);
      i = close == std::string_view::npos ? text.size() : close + 2;
      current.push_back(' ');
      code.push_back(' ');
    } else if (c == ';') {
      // A trigger body holds its own statements: only the ';' after its END closes it.
      if (is_trigger(code) && last_word(code) != "END") {
        current.push_back(c);
        code.push_back(c);
      } else {
        finish();
      }
      ++i;
    } else {
      current.push_back(c);
      code.push_back(c);
      ++i;
    }
  }
  finish();
  return statements;
}

MigrationStatus compare_migrations(const std::vector<MigrationFile>& files,
                                   const std::vector<AppliedMigration>& applied) {
  MigrationStatus status;
  std::map<std::string, const MigrationFile*> file_by_version;
  for (const auto& f : files)
    file_by_version.emplace(f.version, &f);
  std::map<std::string, const AppliedMigration*> applied_by_version;
  for (const auto& a : applied)
    applied_by_version.emplace(a.version, &a);

  for (const auto& a : applied) {
    const auto it = file_by_version.find(a.version);
    if (it == file_by_version.end()) {
      status.problems.push_back(a.file_name() + " was applied but its file is missing");
    } else if (it->second->name != a.name) {
      status.problems.push_back(a.file_name() + " was applied but the file is now named " +
                                it->second->file_name());
    } else if (it->second->checksum != a.checksum) {
      status.problems.push_back(a.file_name() + " changed after it was applied (recorded sha256 " +
                                a.checksum.substr(0, 12) + "..., file " + it->second->checksum.substr(0, 12) +
                                "...)");
    }
  }
  for (const auto& f : files) {
    status.migrations.push_back(MigrationState{f.version, f.name, applied_by_version.contains(f.version)});
  }
  return status;
}

bool MigrationStatus::at_head() const {
  return problems.empty() && std::ranges::all_of(migrations, &MigrationState::applied);
}

std::vector<std::string> MigrationStatus::pending() const {
  std::vector<std::string> out;
  for (const auto& m : migrations) {
    if (!m.applied) out.push_back(m.version + "_" + m.name + ".sql");
  }
  return out;
}

}  // namespace pactwatch::store
