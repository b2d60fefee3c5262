// HTTP messages as the rest of Kanri sees them: plain structs, no Beast. The server
// (server.h) translates from and to the wire; handlers only ever see these.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace kanri::http {

// A request body the server spooled to a file instead of memory (routes that declare
// Route::streamed_body_max_bytes, e.g. firmware uploads): a temporary file in the server's
// upload_dir with its size and SHA-256. The server removes the file once the response is
// written, unless the handler renamed it away.
struct SpooledBody {
  std::filesystem::path path;
  std::uint64_t size = 0;
  std::string sha256_hex;
};

struct HttpRequest {
  std::string method;                                        // "GET", "POST", …
  std::string target;                                        // as sent: path and query
  std::string path;                                          // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string client_ip;
  std::string request_id;
  // The server's id of the connection this request came on (unique per listener and run);
  // a CWMP session without cookies is bound to it.
  std::uint64_t connection_id = 0;
  std::optional<SpooledBody> spooled_body;  // then `body` is empty

  std::optional<std::string_view> Header(std::string_view lower_name) const;
  std::optional<std::string_view> Query(std::string_view name) const;
  std::optional<std::string> Cookie(std::string_view name) const;
};

// A response body sent from a file, bytes [offset, offset + length), in chunks (DEV-6
// downloads); `content_type` and `headers` still apply, `body` is ignored.
struct FileBody {
  std::filesystem::path path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close_connection = false;
  std::string problem_code;  // set by ProblemResponse; the operation history records it
  std::optional<FileBody> file_body;

  void SetHeader(std::string name, std::string value);
};

// 503 with `Retry-After` in whole seconds (at least 1): the CWMP answer when the service cannot
// take a session now. `close` asks the client to reconnect rather than keep the connection.
HttpResponse RetryLater(std::chrono::milliseconds after, bool close);

// RFC 9457 problem details. `code` is a stable machine-readable name ("login_failed");
// `field` names the offending JSON field of a validation error. The body never holds the
// request id, so equal failures have identical bodies (SEC-1 needs that for logins).
struct Problem {
  int status = 500;
  std::string code;
  std::string title;
  std::string detail;
  std::string field;
  // More string members of the problem, for a client to act on ("earliest_start").
  std::vector<std::pair<std::string, std::string>> extensions = {};
  // The offending values, as the array `items`, when the problem lists them.
  std::vector<std::string> items = {};
};
HttpResponse ProblemResponse(const Problem& p);

// Maps a domain error to its problem (400, 404, 409, …) in one place.
Problem ProblemFor(const Error& e);

// Thrown by handlers to end a request with a problem; caught by the router.
class ApiError : public std::exception {
 public:
  explicit ApiError(Problem p) : problem_(std::move(p)) {}
  explicit ApiError(const Error& e) : problem_(ProblemFor(e)) {}
  const Problem& problem() const { return problem_; }
  const char* what() const noexcept override { return problem_.code.c_str(); }

 private:
  Problem problem_;
};

HttpResponse JsonResponse(int status, std::string json_body);
HttpResponse NoContent();

}  // namespace kanri::http
