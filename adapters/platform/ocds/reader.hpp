#pragma once
// Streaming readers for OCDS input. A release package ({"releases": [...]}), a record package
// ({"records": [{"compiledRelease": {...}}]}) and a single release are read with a SAX parser that
// materialises one release at a time; JSON Lines (one release, compiled release or package per line) is
// read line by line. Memory stays bounded by the largest single release, whatever the file size.

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "adapters/platform/ocds/quarantine.hpp"

namespace pactwatch::platform::ocds {

/**
 * The exact source text of every non-integer JSON number of a release, by JSON pointer relative to the
 * release ("/contracts/0/value/amount"). Amounts are converted from this text, never from a double.
 */
using RawNumbers = std::unordered_map<std::string, std::string>;

/** What the package said about itself before its releases (used to recognise the PPP profile). */
struct PackageInfo {
  std::vector<std::string> extensions;  ///< the package's `extensions` URLs
};

/** One release as read: the parsed object, its numbers' text, and its exact source bytes. */
struct RawRelease {
  nlohmann::json json;
  RawNumbers numbers;
  std::string text;         ///< exact source bytes of the release object
  std::string location;     ///< "releases[3]", "records[0].compiledRelease", "line 17"
  std::size_t ordinal = 0;  ///< 1-based position of the release in the input
  PackageInfo package;      ///< metadata of the enclosing package (empty for a bare release)
};

/** Input formats; `automatic` goes by file extension (.jsonl, .ndjson, .jl are JSON Lines). */
enum class InputFormat { automatic, package, json_lines };

/** Receives each release as soon as it is complete, and each input record that is not a release. */
struct ReaderSink {
  std::function<void(RawRelease&&)> release;
  std::function<void(QuarantineEntry&&)> problem;
};

/** Counts of one read. */
struct ReadStats {
  std::size_t releases = 0;  ///< handed to the release sink
  std::size_t problems = 0;  ///< handed to the problem sink
  std::size_t largest_release_bytes = 0;
  std::size_t bytes_read = 0;
};

/** Reads a package, a record package or a single release from a stream, one release at a time. */
ReadStats read_package(std::istream& in, const ReaderSink& sink);
/** Reads JSON Lines: each non-blank line is a release, a compiled release, or a (record) package. */
ReadStats read_json_lines(std::istream& in, const ReaderSink& sink);
/**
 * Reads a file in the given format. `.jsonl`, `.ndjson` and `.jl` are JSON Lines and other names are
 * packages when `format` is automatic; a file that cannot be opened is one `malformed_json` problem.
 */
ReadStats read_file(const std::string& path, const ReaderSink& sink,
                    InputFormat format = InputFormat::automatic);

}  // namespace pactwatch::platform::ocds
