// The libFuzzer entry point of one fuzz target; CMake compiles this file once per target with
// PACTWATCH_FUZZ_ENTRY set to one of the functions of fuzz_entries.hpp.
#include "tests/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return pactwatch::fuzz::PACTWATCH_FUZZ_ENTRY(data, size);
}
