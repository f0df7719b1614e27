#pragma once
// The message catalogue (issue 14, "Chinese by default"): the one place that turns the service's English
// words into Chinese. Answers are in Chinese unless the request prefers English (`Accept-Language: en`):
// problem+json titles, details and field messages, breach and warning summaries, and the reasons the
// evaluation answers give. Handlers keep writing English; the catalogue maps each English text, given as
// a template whose `{}` stand for the variable parts ("no agreement {}"), to its Chinese template. A text
// the catalogue does not know is answered as it is.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.hpp"

namespace pactwatch::server {

enum class Language { zh, en };

/**
 * The language an Accept-Language value prefers: English when its most preferred supported tag (q-value
 * first, then order) is `en` or `en-*`; Chinese otherwise, and when the header is absent or names neither.
 */
Language preferred_language(std::optional<std::string_view> accept_language);
/** preferred_language of the request's Accept-Language header. */
Language language_of(const Request& request);

/** `english` in `language`: as given for English; for Chinese, the catalogue's template filled in. */
std::string localized(std::string_view english, Language language);

/** The title of a problem with `status`: the reason phrase in English, its Chinese name otherwise. */
std::string status_title(int status, Language language);

/**
 * Puts a problem+json answer into `language`: title, detail and each field error's message (field names
 * stay as they are). Any other answer is left alone. Adds `Content-Language` and `Vary: Accept-Language`.
 */
void localize_problem(Response& response, Language language);

/**
 * The texts localize_problem met in Chinese answers that the catalogue does not know (English words left
 * in a Chinese answer), each once, at most 200, oldest first. The HTTP test suites assert it stays empty
 * (tests/support/untranslated_messages.cpp), so a new English message fails a test until it is catalogued.
 */
std::vector<std::string> untranslated_texts();

}  // namespace pactwatch::server
