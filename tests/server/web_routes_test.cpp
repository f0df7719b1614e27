// The dashboard's static files over real HTTP (server/web_routes.hpp): content types, the security headers,
// ETag revalidation, and no way out of the web root whatever the path looks like.
#include "server/web_routes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server/http_server.hpp"
#include "tests/server/test_client.hpp"

namespace pactwatch::server {
namespace {

namespace fs = std::filesystem;
using testing::fetch;
using ::testing::HasSubstr;

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

/** A temporary directory holding web/ (the root) and, beside it, a secret the server must never answer. */
class WebRoutesTest : public ::testing::Test {
 protected:
  WebRoutesTest() : dir_(fs::temp_directory_path() / ("pactwatch-web-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    write_file(dir_ / "web" / "index.html", "<!doctype html><title>总览</title>");
    write_file(dir_ / "web" / "assets" / "app.js", "export const x = 1;\n");
    write_file(dir_ / "web" / "assets" / "app.css", "body{}");
    write_file(dir_ / "web" / "assets" / "notes.txt", "not a served type");
    write_file(dir_ / "web" / "assets" / ".hidden.js", "hidden");
    write_file(dir_ / "secret.js", "SECRET");
    write_file(dir_ / "web" / "secret.js", "SECRET-IN-ROOT");  // outside assets/: never served either
    fs::create_symlink(dir_ / "secret.js", dir_ / "web" / "assets" / "link.js");
    start(dir_ / "web");
  }
  ~WebRoutesTest() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  void start(const fs::path& root) {
    auto router = std::make_shared<Router>();
    add_web_routes(*router, root.string());
    HttpOptions options;
    options.port = 0;
    options.access_log = false;
    server_ = std::make_unique<HttpServer>(options, router, metrics_);
    server_->start();
  }
  testing::ClientResponse get(const std::string& target,
                              std::vector<std::pair<std::string, std::string>> headers = {}) {
    return fetch(server_->port(), "GET", target, std::move(headers));
  }

  fs::path dir_;
  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
};

// Verifies / answers index.html as UTF-8 HTML with a CSP that names no other origin, nosniff and an ETag.
TEST_F(WebRoutesTest, RootServesIndexWithStrictHeaders) {
  const auto r = get("/");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "<!doctype html><title>总览</title>");
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  const std::string csp = r.header("content-security-policy");
  EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
  EXPECT_THAT(csp, HasSubstr("script-src 'self';"));
  EXPECT_THAT(csp, HasSubstr("connect-src 'self'"));
  EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(csp, ::testing::Not(HasSubstr("http")));
  EXPECT_THAT(csp, ::testing::Not(HasSubstr("unsafe-eval")));
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("cache-control"), "no-cache");
  EXPECT_THAT(r.header("etag"), ::testing::MatchesRegex("\"[0-9a-f]{32}\""));
}

// Verifies each asset gets the content type of its extension (a module script must be text/javascript).
TEST_F(WebRoutesTest, AssetsGetTheirContentType) {
  const auto js = get("/assets/app.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "export const x = 1;\n");
  EXPECT_EQ(get("/assets/app.css").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(get("/assets/notes.txt").status, 404) << "an extension that is not served";
  EXPECT_EQ(get("/assets/missing.js").status, 404);
  const auto head = fetch(server_->port(), "HEAD", "/assets/app.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "20");
}

// Verifies If-None-Match with the current ETag answers 304 without a body, and a changed file a new ETag.
TEST_F(WebRoutesTest, ETagRevalidates) {
  const auto first = get("/assets/app.js");
  const std::string etag = first.header("etag");
  const auto again = get("/assets/app.js", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(get("/assets/app.js", {{"If-None-Match", "W/" + etag}}).status, 304) << "weak comparison";
  EXPECT_EQ(get("/assets/app.js", {{"If-None-Match", "\"other\""}}).status, 200);

  write_file(dir_ / "web" / "assets" / "app.js", "export const x = 2; // rebuilt\n");
  const auto changed = get("/assets/app.js", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body, "export const x = 2; // rebuilt\n");
  EXPECT_NE(changed.header("etag"), etag);
}

// Verifies no path reaches a file outside assets/ or the root: dot segments plain or percent-encoded,
// encoded slashes and backslashes, absolute paths, NUL bytes, dot files and a symbolic link leading out.
TEST_F(WebRoutesTest, NoPathTraversal) {
  for (const std::string target :
       {"/assets/../secret.js", "/assets/..%2Fsecret.js", "/assets/..%2F..%2Fsecret.js",
        "/assets/%2e%2e%2fsecret.js", "/assets/%2E%2E/secret.js", "/assets/..%5csecret.js",
        "/assets/%2Fetc%2Fpasswd", "/assets/app.js%00.js", "/assets/.hidden.js", "/assets/link.js",
        "/secret.js", "/../secret.js", "/assets//app.js", "/assets/./app.js", "/index.html/../secret.js"}) {
    const auto r = get(target);
    EXPECT_THAT(r.status, ::testing::AnyOf(400, 404)) << target;
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr("SECRET"))) << target;
  }
}

// Verifies a root without index.html answers 404 naming the key, so an operator knows what to build.
TEST_F(WebRoutesTest, MissingRootSaysWhatToBuild) {
  server_.reset();
  start(dir_ / "nowhere");
  const auto r = get("/");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("web_root"));
}

// Verifies the name and type rules directly.
TEST(WebFileNameTest, OnlyPlainNamesWithKnownTypes) {
  EXPECT_TRUE(safe_web_file_name("echarts.min.js"));
  EXPECT_TRUE(safe_web_file_name("page-breaches.js"));
  for (auto bad : {"", ".", "..", ".env", "a/b.js", "a\\b.js", "..js", "a b.js", "名.js"})
    EXPECT_FALSE(safe_web_file_name(bad)) << bad;
  EXPECT_EQ(web_content_type("x.svg"), "image/svg+xml");
  EXPECT_EQ(web_content_type(".js"), std::nullopt);
  EXPECT_EQ(web_content_type("x.php"), std::nullopt);
}

}  // namespace
}  // namespace pactwatch::server
