#include "server/http_message.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <nlohmann/json.hpp>

#include "server/logging.hpp"

namespace pactwatch::server {

namespace {

constexpr std::array<std::pair<Method, std::string_view>, 7> kMethodNames{{
    {Method::get, "GET"},
    {Method::head, "HEAD"},
    {Method::post, "POST"},
    {Method::put, "PUT"},
    {Method::patch, "PATCH"},
    {Method::delete_, "DELETE"},
    {Method::options, "OPTIONS"},
}};

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view problem_type_for(domain::ErrorCode code) {
  switch (code) {
    case domain::ErrorCode::invalid:
      return problem_type::validation;
    case domain::ErrorCode::not_found:
      return problem_type::not_found;
    case domain::ErrorCode::conflict:
    case domain::ErrorCode::stale:
      return problem_type::conflict;
    case domain::ErrorCode::illegal_transition:
      return problem_type::illegal_transition;
    case domain::ErrorCode::unavailable:
      return problem_type::unavailable;
  }
  return "about:blank";
}

}  // namespace

Method parse_method(std::string_view token) {
  for (const auto& [method, name] : kMethodNames) {
    if (name == token) return method;
  }
  return Method::other;
}

std::string_view method_name(Method method) {
  for (const auto& [m, name] : kMethodNames) {
    if (m == method) return name;
  }
  return "OTHER";
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string_view name, std::string value) {
  erase(name);
  fields_.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

void Headers::erase(std::string_view name) {
  std::erase_if(fields_, [&](const auto& field) { return iequals(field.first, name); });
}

std::string_view Request::param(std::string_view name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view{} : std::string_view(it->second);
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

Response json_response(int status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.content_type = std::string(kJsonContentType);
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response problem_response(const Problem& problem, std::string_view request_id) {
  nlohmann::json body{
      {"type", problem.type},
      {"title", problem.title.empty() ? std::string(reason_phrase(problem.status)) : problem.title},
      {"status", problem.status},
      {"detail", problem.detail},
  };
  if (!problem.instance.empty()) body["instance"] = problem.instance;
  if (!request_id.empty()) body["request_id"] = request_id;
  if (!problem.errors.empty()) {
    auto errors = nlohmann::json::array();
    for (const auto& error : problem.errors)
      errors.push_back({{"field", error.field}, {"message", error.message}});
    body["errors"] = std::move(errors);
  }
  Response response = json_response(problem.status, body);
  response.content_type = std::string(kProblemContentType);
  return response;
}

Response problem_response(const Request& request, int status, std::string detail) {
  Problem problem;
  problem.status = status;
  problem.detail = std::move(detail);
  problem.instance = request.path;
  return problem_response(problem, request.request_id);
}

Response validation_problem(const Request& request, std::vector<FieldError> errors, int status) {
  Problem problem;
  problem.status = status;
  problem.type = std::string(problem_type::validation);
  problem.title = "Validation failed";
  problem.detail = errors.size() == 1 ? errors.front().field + ": " + errors.front().message
                                      : std::to_string(errors.size()) + " fields are invalid";
  problem.instance = request.path;
  problem.errors = std::move(errors);
  return problem_response(problem, request.request_id);
}

int status_for(domain::ErrorCode code) {
  switch (code) {
    case domain::ErrorCode::invalid:
      return 422;
    case domain::ErrorCode::not_found:
      return 404;
    case domain::ErrorCode::conflict:
    case domain::ErrorCode::stale:
      return 409;
    case domain::ErrorCode::illegal_transition:
      return 409;
    case domain::ErrorCode::unavailable:
      return 503;
  }
  return 500;
}

Response error_response(const Request& request, const domain::Error& error) {
  if (error.code == domain::ErrorCode::invalid && !error.field.empty()) {
    return validation_problem(request, {FieldError{error.field, error.message}});
  }
  Problem problem;
  problem.status = status_for(error.code);
  if (problem.status >= 500) {
    log_event("warn", "request_unavailable",
              {{"request_id", request.request_id}, {"route", request.route}, {"error", error.message}});
  }
  problem.type = std::string(problem_type_for(error.code));
  problem.detail = error.message;
  problem.instance = request.path;
  return problem_response(problem, request.request_id);
}

}  // namespace pactwatch::server
