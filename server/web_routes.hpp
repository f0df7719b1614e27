#pragma once
// The dashboard's static files (docs/DASHBOARD.md): GET / answers index.html and GET /assets/{file} one file
// of assets/, both read from the configured web root (key web_root). Only plain file names with a known
// extension are served: no sub-directories, no dot files, nothing that resolves outside the root. Every
// answer carries a strict Content-Security-Policy (no external origin), a strong ETag (If-None-Match: 304)
// and Cache-Control: no-cache, since the file names carry no version. The API stays under /api/v1.

#include <optional>
#include <string>
#include <string_view>

#include "server/router.hpp"

namespace pactwatch::server {

/**
 * The Content-Security-Policy of every dashboard file: scripts, styles, images, fonts and API calls from
 * this origin only; no inline script, no plugin, no framing, no <base>. Inline style attributes are
 * allowed (style-src-attr): ECharts writes its tooltips with them; they cannot run code.
 */
inline constexpr std::string_view kDashboardCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

/** The Content-Type served for a file name's extension; nullopt for an extension that is not served. */
std::optional<std::string_view> web_content_type(std::string_view file_name);

/** True for a name served from assets/: letters, digits, '.', '-', '_', not starting with '.'. */
bool safe_web_file_name(std::string_view file_name);

/**
 * Adds GET / and GET /assets/{file} serving `root` (a directory; relative to the working directory). Files
 * are read when asked for (a rebuilt dashboard is served without a restart) and kept in memory while their
 * size and modification time stay the same. A root without index.html answers 404 naming the key.
 */
void add_web_routes(Router& router, std::string root);

}  // namespace pactwatch::server
