#pragma once
// The entry functions of the fuzz targets (docs/TESTING.md). Each takes one input as libFuzzer hands it
// over, runs it through the production code and checks properties of the result; a broken property
// prints what broke and aborts, which libFuzzer reports as a crash and CTest as a failed test. The
// libFuzzer executables (fuzz_main.cpp, PACTWATCH_FUZZ) and the replay test (replay_test.cpp, every build)
// call the same functions, so what a fuzzer found once keeps being checked by the GCC build.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pactwatch::fuzz {

/** Bytes on a connection: pipelined requests through the server's parser, limits, router and handlers. */
int http_request(const std::uint8_t* data, std::size_t size);
/** A release package or JSON Lines through the OCDS reader, each release through the mapping. */
int ocds_release(const std::uint8_t* data, std::size_t size);
/** An exchange row as its quarantine text (row_json) back into a row and through the row mapping. */
int exchange_row(const std::uint8_t* data, std::size_t size);
/** `[before, after, patch?]`: diff and apply of the trail's JSON Patch. */
int json_patch(const std::uint8_t* data, std::size_t size);
/** Any JSON text, and the bytes as a string: the trail's canonical JSON. */
int canonical_json(const std::uint8_t* data, std::size_t size);

/** Prints "fuzz property violated: <what>" (and `detail`) to stderr and aborts. */
[[noreturn]] void violated(std::string_view what, std::string_view detail = {});

/** Aborts through violated() unless `ok`. */
inline void check(bool ok, std::string_view what, std::string_view detail = {}) {
  if (!ok) violated(what, detail);
}

}  // namespace pactwatch::fuzz
