// Linked into the HTTP test suites (api_tests, workflow_tests): after every test has run, fails the suite
// when a Chinese answer carried an English text the message catalogue does not know (server/messages.hpp,
// issue 14 "Chinese by default"), and names each such text so it can be added to server/messages.cpp.
#include <gtest/gtest.h>

#include "server/messages.hpp"

namespace {

class UntranslatedMessages : public ::testing::Environment {
 public:
  void TearDown() override {
    for (const auto& text : pactwatch::server::untranslated_texts())
      ADD_FAILURE() << "a Chinese answer carried an English text the catalogue does not know: \"" << text
                    << "\" (add it to server/messages.cpp)";
  }
};

const auto* const kRegistered = ::testing::AddGlobalTestEnvironment(new UntranslatedMessages);

}  // namespace
