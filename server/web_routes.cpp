#include "server/web_routes.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "adapters/store/migrations.hpp"
#include "server/api/api_support.hpp"

namespace pactwatch::server {
namespace {

namespace fs = std::filesystem;

struct TypeByExtension {
  std::string_view extension;
  std::string_view content_type;
};
constexpr std::array<TypeByExtension, 9> kTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
    {".woff2", "font/woff2"},
}};

/** One file as last read: served again while its size and modification time are unchanged. */
struct CachedFile {
  fs::file_time_type modified;
  std::uintmax_t size = 0;
  std::string body;
  std::string etag;
};

/** True when If-None-Match lists `etag` or is `*`: weak comparison (RFC 9110 §13.1.2), so W/ is ignored. */
bool none_match(std::string_view header, std::string_view etag) {
  std::string strong(header);
  for (auto at = strong.find("W/"); at != std::string::npos; at = strong.find("W/", at))
    strong.erase(at, 2);
  return api::if_match_matches(strong, etag);
}

class WebRoot {
 public:
  explicit WebRoot(std::string root) : root_(std::move(root)) {}

  /** The answer for `relative` (a path below the root that the route has already vetted). */
  Response serve(const Request& request, const std::string& relative) {
    const auto type = web_content_type(relative);
    if (!type) return problem_response(request, 404, "no such file");
    std::error_code ec;
    const fs::path root = fs::canonical(root_, ec);
    if (ec) return missing_root(request);
    const fs::path path = fs::weakly_canonical(root / relative, ec);
    // Belt and braces: the name rules already keep every path inside; a symbolic link must not lead out.
    const auto [root_end, ignored] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    if (ec || root_end != root.end() || !fs::is_regular_file(path, ec)) {
      if (relative == "index.html") return missing_root(request);
      return problem_response(request, 404, "no such file");
    }
    auto file = load(path);
    if (!file) return problem_response(request, 404, "no such file");

    Response response;
    response.content_type = std::string(*type);
    response.headers.set("ETag", file->etag);
    response.headers.set("Cache-Control", "no-cache");
    response.headers.set("Content-Security-Policy", std::string(kDashboardCsp));
    response.headers.set("X-Content-Type-Options", "nosniff");
    response.headers.set("Referrer-Policy", "no-referrer");
    if (auto header = request.headers.get("If-None-Match"); header && none_match(*header, file->etag)) {
      response.status = 304;
      return response;
    }
    response.body = file->body;
    return response;
  }

 private:
  Response missing_root(const Request& request) const {
    return problem_response(request, 404,
                            "the dashboard is not installed: web_root (" + root_ +
                                ") has no index.html; `cmake --build build` builds it into build/web");
  }

  std::shared_ptr<const CachedFile> load(const fs::path& path) {
    std::error_code ec;
    const auto modified = fs::last_write_time(path, ec);
    const auto size = fs::file_size(path, ec);
    if (ec) return nullptr;
    {
      std::lock_guard lock(mutex_);
      if (auto it = files_.find(path.string());
          it != files_.end() && it->second->modified == modified && it->second->size == size) {
        return it->second;
      }
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return nullptr;
    std::ostringstream text;
    text << in.rdbuf();
    auto file = std::make_shared<CachedFile>();
    file->modified = modified;
    file->size = size;
    file->body = std::move(text).str();
    file->etag = "\"" + store::sha256_hex(file->body).substr(0, 32) + "\"";
    std::lock_guard lock(mutex_);
    files_[path.string()] = file;
    return file;
  }

  std::string root_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const CachedFile>, std::less<>> files_;
};

}  // namespace

std::optional<std::string_view> web_content_type(std::string_view file_name) {
  for (const auto& [extension, type] : kTypes) {
    if (file_name.size() > extension.size() && file_name.ends_with(extension)) return type;
  }
  return std::nullopt;
}

bool safe_web_file_name(std::string_view file_name) {
  if (file_name.empty() || file_name.size() > 128 || file_name.front() == '.') return false;
  for (char c : file_name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

void add_web_routes(Router& router, std::string root) {
  auto web = std::make_shared<WebRoot>(std::move(root));
  router.get("/", [web](const Request& request) { return web->serve(request, "index.html"); });
  router.get("/assets/{file}", [web](const Request& request) {
    // The router has decoded the segment: "%2e%2e%2fx" arrives as "../x" and is refused here.
    const std::string name(request.param("file"));
    if (!safe_web_file_name(name)) return problem_response(request, 404, "no such file");
    return web->serve(request, "assets/" + name);
  });
}

}  // namespace pactwatch::server
