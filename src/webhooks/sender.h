// Sending webhook requests (SEC-9): HTTPS POSTs over libcurl, several at once, each bounded.
//
// The URL is a company's data, so every address a name resolves to passes the address policy
// (base/net.h) at the moment of connecting, in libcurl's socket callback: a name that resolves
// to a loopback or private address, at creation or only later (DNS rebinding), is never
// connected to. Only https; redirects are not followed; no proxy from the environment; the
// server's certificate is verified (against the system's trust store, or --webhook-ca-file).
// The answer's body is read up to 64 KiB and dropped: only its status is kept.
//
//   CurlPoster poster({.policy = policy});
//   auto results = poster.PostAll({{url, {{"webhook-id", id}, …}, body}});
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/net.h"
#include "base/time.h"

namespace kanri::webhooks {

struct PostRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // JSON
};

struct PostResult {
  std::optional<int> status;  // the HTTP status, when an answer came
  std::string error;          // why there was no answer ("" when there was one)
  bool ok() const { return status && *status >= 200 && *status < 300; }
};

class Poster {
 public:
  virtual ~Poster() = default;
  // One result per request, in order. Never throws for network trouble.
  virtual std::vector<PostResult> PostAll(const std::vector<PostRequest>& requests) const = 0;
};

struct CurlPosterSettings {
  AddressPolicy policy;
  Millis timeout = std::chrono::seconds{10};  // each request, everything included
  std::size_t concurrency = 16;               // requests in flight at once
  std::string ca_file;                        // PEM; empty: the system's trust store
  std::string user_agent = "Kanri-Webhooks/1";
};

class CurlPoster : public Poster {
 public:
  explicit CurlPoster(CurlPosterSettings settings);
  std::vector<PostResult> PostAll(const std::vector<PostRequest>& requests) const override;

 private:
  CurlPosterSettings settings_;
};

}  // namespace kanri::webhooks
