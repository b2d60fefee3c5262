#include "http/message.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "base/log.h"
#include "base/text.h"
#include "http/problem_codes.h"

namespace kanri::http {

std::optional<std::string_view> HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::Query(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> HttpRequest::Cookie(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      size_t eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    }
  }
  return std::nullopt;
}

void HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (AsciiLower(k) == AsciiLower(name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

namespace {

const char* DefaultTitle(int status) {
  switch (status) {
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
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

HttpResponse RetryLater(std::chrono::milliseconds after, bool close) {
  HttpResponse r;
  r.status = 503;
  r.SetHeader("Retry-After", std::to_string(std::max<std::int64_t>(
                                 1, std::chrono::duration_cast<std::chrono::seconds>(after).count())));
  r.close_connection = close;
  return r;
}

HttpResponse ProblemResponse(const Problem& p) {
  if (StrictProblemCodes() && !IsKnownProblemCode(p.code)) {
    std::fprintf(stderr, "problem code '%s' is not in http/problem_codes.cpp\n", p.code.c_str());
    std::abort();
  }
  std::string body = "{\"type\":";
  AppendJsonString(body, "urn:kanri:problem:" + p.code);
  body += ",\"title\":";
  AppendJsonString(body, p.title.empty() ? DefaultTitle(p.status) : p.title);
  body += ",\"status\":" + std::to_string(p.status);
  body += ",\"detail\":";
  AppendJsonString(body, p.detail);
  body += ",\"code\":";
  AppendJsonString(body, p.code);
  if (!p.field.empty()) {
    body += ",\"field\":";
    AppendJsonString(body, p.field);
  }
  for (const auto& [name, value] : p.extensions) {
    body += ",";
    AppendJsonString(body, name);
    body += ":";
    AppendJsonString(body, value);
  }
  if (!p.items.empty()) {
    body += ",\"items\":[";
    for (std::size_t i = 0; i < p.items.size(); ++i) {
      if (i > 0) body += ",";
      AppendJsonString(body, p.items[i]);
    }
    body += "]";
  }
  body += "}";
  HttpResponse r;
  r.status = p.status;
  r.problem_code = p.code;
  r.content_type = "application/problem+json";
  r.body = std::move(body);
  return r;
}

namespace {
Problem DefaultProblemFor(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidArgument:
      return {400, "invalid_request", "", e.message, e.field};
    case ErrorCode::kUnauthenticated:
      return {401, "unauthenticated", "", e.message, ""};
    case ErrorCode::kPermissionDenied:
      return {403, "forbidden", "", e.message, e.field};
    case ErrorCode::kNotFound:
      return {404, "not_found", "", e.message, ""};
    case ErrorCode::kConflict:
      return {409, "conflict", "", e.message, e.field};
    case ErrorCode::kLimitExceeded:
      return {422, "limit_exceeded", "", e.message, e.field};
    case ErrorCode::kPasswordChangeRequired:
      return {403, "password_change_required", "", e.message, ""};
    case ErrorCode::kTooManyRequests:
      return {429, "too_many_attempts", "", e.message, ""};
    case ErrorCode::kUnavailable:
      return {503, "unavailable", "", e.message, ""};
    case ErrorCode::kInternal:
      break;
  }
  return {500, "internal", "", "internal error", ""};
}
}  // namespace

Problem ProblemFor(const Error& e) {
  Problem p = DefaultProblemFor(e);
  if (!e.problem.empty()) p.code = e.problem;
  p.items = e.items;
  return p;
}

HttpResponse JsonResponse(int status, std::string json_body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(json_body);
  return r;
}

HttpResponse NoContent() {
  HttpResponse r;
  r.status = 204;
  return r;
}

}  // namespace kanri::http
