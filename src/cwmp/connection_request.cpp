#include "cwmp/connection_request.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <map>
#include <memory>
#include <stdexcept>
#include <utility>

#include "base/cleanup.h"
#include "base/metrics.h"
#include "base/text.h"
#include "http/digest.h"

namespace kanri::cwmp {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

ConnectionRequestOutcome Fail(ConnectionRequestFailure failure, std::string detail) {
  ConnectionRequestOutcome out;
  out.failure = failure;
  out.detail = std::move(detail);
  return out;
}

// The state of a resolution that the caller may stop waiting for: getaddrinfo cannot be
// interrupted, so the resolving coroutine owns it and signals through the timer.
struct Resolution {
  explicit Resolution(const asio::any_io_executor& ex) : resolver(ex), signal(ex) {}
  tcp::resolver resolver;
  asio::steady_timer signal;
  bool done = false;
  boost::system::error_code ec;
  tcp::resolver::results_type results;
};

asio::awaitable<void> ResolveInto(std::shared_ptr<Resolution> r, std::string host, std::string port) {
  auto [ec, results] = co_await r->resolver.async_resolve(host, port, kTuple);
  r->ec = ec;
  r->results = std::move(results);
  r->done = true;
  r->signal.cancel();
}

// A plain or TLS connection to one checked endpoint.
class Channel {
 public:
  Channel(const asio::any_io_executor& ex, asio::ssl::context* tls, std::string sni)
      : ex_(ex), tls_(tls), sni_(std::move(sni)) {}

  asio::awaitable<boost::system::error_code> Connect(const std::vector<tcp::endpoint>& endpoints,
                                                     std::chrono::steady_clock::time_point deadline,
                                                     tcp::endpoint& connected) {
    plain_.reset();
    secure_.reset();
    if (tls_) {
      secure_.emplace(beast::tcp_stream(ex_), *tls_);
      if (!sni_.empty()) SSL_set_tlsext_host_name(secure_->native_handle(), sni_.c_str());
    } else {
      plain_.emplace(ex_);
    }
    Tcp().expires_at(deadline);
    auto [ec, ep] = co_await Tcp().async_connect(endpoints, kTuple);
    if (ec) co_return ec;
    connected = ep;
    if (secure_) {
      auto [hs_ec] = co_await secure_->async_handshake(asio::ssl::stream_base::client, kTuple);
      if (hs_ec) co_return hs_ec;
    }
    co_return boost::system::error_code{};
  }

  asio::awaitable<boost::system::error_code> Exchange(bhttp::request<bhttp::empty_body>& req,
                                                      bhttp::response_parser<bhttp::string_body>& parser,
                                                      std::chrono::steady_clock::time_point deadline) {
    Tcp().expires_at(deadline);
    if (secure_) {
      auto [wec, wn] = co_await bhttp::async_write(*secure_, req, kTuple);
      if (wec) co_return wec;
      auto [rec, rn] = co_await bhttp::async_read(*secure_, buffer_, parser, kTuple);
      co_return rec;
    }
    auto [wec, wn] = co_await bhttp::async_write(*plain_, req, kTuple);
    if (wec) co_return wec;
    auto [rec, rn] = co_await bhttp::async_read(*plain_, buffer_, parser, kTuple);
    co_return rec;
  }

  void Close() {
    boost::system::error_code ignored;
    if (plain_ || secure_) Tcp().socket().close(ignored);
    buffer_.clear();
  }

 private:
  beast::tcp_stream& Tcp() { return secure_ ? secure_->next_layer() : *plain_; }
  asio::any_io_executor ex_;
  asio::ssl::context* tls_;
  std::string sni_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
  beast::flat_buffer buffer_;
};

}  // namespace

// A slot of the in-flight counts (fair sharing, header), released when the request ends.
class ConnectionRequester::Slot {
 public:
  // Takes a slot, or returns nullopt when the process or the company is at its bound.
  static std::optional<Slot> Take(ConnectionRequester& r, const CompanyId& company) {
    std::lock_guard lock(r.mu_);
    if (r.in_flight_ >= r.settings_.max_concurrent) return std::nullopt;
    auto& mine = r.per_company_[company];
    if (mine >= r.settings_.max_concurrent_per_company) {
      if (mine == 0) r.per_company_.erase(company);
      return std::nullopt;
    }
    ++mine;
    ++r.in_flight_;
    return Slot(r, company);
  }
  Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), company_(other.company_) {}
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  Slot& operator=(Slot&&) = delete;
  ~Slot() {
    if (!owner_) return;
    std::lock_guard lock(owner_->mu_);
    --owner_->in_flight_;
    auto it = owner_->per_company_.find(company_);
    if (--it->second == 0) owner_->per_company_.erase(it);
  }

 private:
  Slot(ConnectionRequester& owner, CompanyId company) : owner_(&owner), company_(std::move(company)) {}
  ConnectionRequester* owner_;
  CompanyId company_;
};

Result<AddressPolicy> ConnectionRequestPolicy(const ConnectionRequestSettings& settings) {
  // Only networks here: `public` belongs in allowed_networks.
  std::vector<std::string> allowed = settings.allowed_networks;
  allowed.insert(allowed.end(), settings.allowed_private.begin(), settings.allowed_private.end());
  for (const auto& entry : settings.allowed_private)
    if (AsciiLower(entry) == "public")
      return Error{ErrorCode::kInvalidArgument, "`public` belongs in allowed_networks", "allowed_networks"};
  return AddressPolicy::Make(allowed, settings.allow_loopback, "connection_request_url");
}

std::string_view ToString(ConnectionRequestFailure failure) {
  switch (failure) {
    case ConnectionRequestFailure::kBusy:
      return "busy";
    case ConnectionRequestFailure::kBadUrl:
      return "bad_url";
    case ConnectionRequestFailure::kAddressRefused:
      return "address_refused";
    case ConnectionRequestFailure::kResolveFailed:
      return "resolve_failed";
    case ConnectionRequestFailure::kConnectFailed:
      return "connect_failed";
    case ConnectionRequestFailure::kTimeout:
      return "timeout";
    case ConnectionRequestFailure::kAuthRejected:
      return "auth_rejected";
    case ConnectionRequestFailure::kUnexpectedStatus:
      return "unexpected_status";
    case ConnectionRequestFailure::kBadResponse:
      return "bad_response";
  }
  return "unknown";
}

std::string_view ToString(CoarseOutcome outcome) {
  switch (outcome) {
    case CoarseOutcome::kDelivered:
      return "delivered";
    case CoarseOutcome::kUnreachable:
      return "unreachable";
    case CoarseOutcome::kRefusedByPolicy:
      return "refused_by_policy";
    case CoarseOutcome::kAuthFailed:
      return "auth_failed";
    case CoarseOutcome::kTimeout:
      return "timeout";
    case CoarseOutcome::kBusy:
      return "busy";
  }
  return "unreachable";
}

CoarseOutcome Coarse(const ConnectionRequestOutcome& outcome) {
  if (!outcome.failure) return CoarseOutcome::kDelivered;
  switch (*outcome.failure) {
    case ConnectionRequestFailure::kBusy:
      return CoarseOutcome::kBusy;
    case ConnectionRequestFailure::kAddressRefused:
      return CoarseOutcome::kRefusedByPolicy;
    case ConnectionRequestFailure::kTimeout:
      return CoarseOutcome::kTimeout;
    case ConnectionRequestFailure::kAuthRejected:
      return CoarseOutcome::kAuthFailed;
    // Everything else says only that the device was not reached: which of resolution,
    // connection or its answer failed tells about the network, not about the device.
    case ConnectionRequestFailure::kBadUrl:
    case ConnectionRequestFailure::kResolveFailed:
    case ConnectionRequestFailure::kConnectFailed:
    case ConnectionRequestFailure::kUnexpectedStatus:
    case ConnectionRequestFailure::kBadResponse:
      return CoarseOutcome::kUnreachable;
  }
  return CoarseOutcome::kUnreachable;
}

ConnectionRequester::ConnectionRequester(ConnectionRequestSettings settings)
    : settings_(std::move(settings)), policy_([&] {
        auto p = ConnectionRequestPolicy(settings_);
        if (!p) throw std::invalid_argument("connection-request-allowed-networks: " + p.error().message);
        return *p;
      }()) {}

std::size_t ConnectionRequester::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

std::size_t ConnectionRequester::in_flight(const CompanyId& company) const {
  std::lock_guard lock(mu_);
  auto it = per_company_.find(company);
  return it == per_company_.end() ? 0 : it->second;
}

asio::awaitable<ConnectionRequestOutcome> ConnectionRequester::Send(CompanyId company, std::string url,
                                                                    std::string username,
                                                                    std::string password) {
  static auto& outcomes = metrics::Default().Counter("kanri_connection_requests_total",
                                                     "DEV-4 connection requests by outcome", {"outcome"});
  auto slot = Slot::Take(*this, company);
  if (!slot) {
    auto busy = Fail(ConnectionRequestFailure::kBusy,
                     "too many connection requests in flight (process or company); try again later");
    outcomes.With({std::string(ToString(Coarse(busy)))}).Inc();
    co_return busy;
  }
  auto strand = asio::make_strand(co_await asio::this_coro::executor);
  auto out = co_await asio::co_spawn(
      strand, SendOnStrand(std::move(url), std::move(username), std::move(password)), asio::use_awaitable);
  outcomes.With({std::string(ToString(Coarse(out)))}).Inc();
  co_return out;
}

Result<ConnectionRequestTarget> ParseConnectionRequestTarget(std::string_view url) {
  // Only an absolute http(s) URL with a host; no user info (the credential comes from us).
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->has_userinfo() || parsed->encoded_host().empty())
    return InvalidArgument("url", "not an absolute http(s) URL with a host");
  ConnectionRequestTarget t;
  const std::string scheme = AsciiLower(parsed->scheme());
  if (scheme != "http" && scheme != "https")
    return InvalidArgument("url", "the scheme is neither http nor https");
  t.tls = scheme == "https";
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) == 0 || std::stoul(port) > 65535)
    return InvalidArgument("url", "the port is not valid");
  t.port = static_cast<std::uint16_t>(std::stoul(port));
  t.target = std::string(parsed->encoded_path());
  // Boost.URL 1.81 reads "http://h:12a/" as port 12 and path "a/": a path not rooted at "/".
  if (!t.target.empty() && t.target.front() != '/')
    return InvalidArgument("url", "the port or the path is not valid");
  if (t.target.empty()) t.target = "/";
  if (parsed->has_query()) t.target += "?" + std::string(parsed->encoded_query());
  t.host_header = std::string(parsed->encoded_host_and_port());
  switch (parsed->host_type()) {
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6: {
      boost::system::error_code ec;
      t.address = asio::ip::make_address(std::string(parsed->host_address()), ec);
      if (ec) return InvalidArgument("url", "the host is not a valid IP address");
      break;
    }
    case boost::urls::host_type::name:
      t.host_name = parsed->host();
      break;
    default:
      return InvalidArgument("url", "the host is not a name or an IP address");
  }
  return t;
}

asio::awaitable<ConnectionRequester::Endpoints> ConnectionRequester::Resolve(
    const ConnectionRequestTarget& target, std::chrono::steady_clock::time_point deadline) {
  // Resolve (literal addresses need no DNS), then check every address.
  Endpoints out;
  std::vector<asio::ip::address> addresses;
  if (target.address) {
    addresses.push_back(*target.address);
  } else {
    auto ex = co_await asio::this_coro::executor;
    auto r = std::make_shared<Resolution>(ex);
    r->signal.expires_at(deadline);
    asio::co_spawn(ex, ResolveInto(r, target.host_name, std::to_string(target.port)), asio::detached);
    co_await r->signal.async_wait(kTuple);
    if (!r->done) {
      r->resolver.cancel();
      out.failure = Fail(ConnectionRequestFailure::kTimeout, "the host name did not resolve in time");
      co_return out;
    }
    if (r->ec || r->results.empty()) {
      out.failure = Fail(ConnectionRequestFailure::kResolveFailed, "the host name does not resolve");
      co_return out;
    }
    for (const auto& entry : r->results) addresses.push_back(entry.endpoint().address());
  }
  std::string refusal;
  for (const auto& a : addresses) {
    auto ok = policy_.Check(a);
    if (ok) {
      out.endpoints.emplace_back(a, target.port);
    } else if (refusal.empty()) {
      refusal = ok.error().message;
    }
  }
  if (out.endpoints.empty()) out.failure = Fail(ConnectionRequestFailure::kAddressRefused, refusal);
  co_return out;
}

asio::awaitable<ConnectionRequestOutcome> ConnectionRequester::SendOnStrand(std::string url,
                                                                            std::string username,
                                                                            std::string password) {
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + settings_.timeout;
  auto finish = [&](ConnectionRequestOutcome out) {
    out.elapsed = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
    return out;
  };
  auto target = ParseConnectionRequestTarget(url);
  if (!target) co_return finish(Fail(ConnectionRequestFailure::kBadUrl, target.error().message));
  auto resolved = co_await Resolve(*target, deadline);
  if (resolved.failure) co_return finish(std::move(*resolved.failure));
  co_return finish(co_await Exchange(*target, resolved.endpoints, username, password, deadline));
}

asio::awaitable<ConnectionRequestOutcome> ConnectionRequester::Exchange(
    const ConnectionRequestTarget& target, const std::vector<tcp::endpoint>& endpoints,
    const std::string& username, const std::string& password,
    std::chrono::steady_clock::time_point deadline) {
  auto ex = co_await asio::this_coro::executor;
  asio::ssl::context tls_context{asio::ssl::context::tls_client};
  tls_context.set_verify_mode(asio::ssl::verify_none);  // CPEs carry self-signed certificates (header)
  Channel channel(ex, target.tls ? &tls_context : nullptr, target.host_name);
  Cleanup close{[&channel] { channel.Close(); }};
  ConnectionRequestOutcome out;
  bool connected = false;
  std::optional<std::string> authorization;
  std::optional<http::DigestClient> digest;
  auto failed = [&](ConnectionRequestFailure failure, std::string detail) {
    auto f = Fail(failure, std::move(detail));
    f.http_status = out.http_status;
    f.address = out.address;
    f.auth = out.auth;
    return f;
  };
  auto network_failure = [&](const boost::system::error_code& ec, ConnectionRequestFailure otherwise,
                             std::string what) {
    if (ec == beast::error::timeout || std::chrono::steady_clock::now() >= deadline)
      return Fail(ConnectionRequestFailure::kTimeout,
                  "no answer within " + std::to_string(settings_.timeout.count()) + " ms");
    return Fail(otherwise, what + ": " + ec.message());
  };

  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!connected) {
      tcp::endpoint ep;
      auto ec = co_await channel.Connect(endpoints, deadline, ep);
      if (ec) co_return network_failure(ec, ConnectionRequestFailure::kConnectFailed, "connection failed");
      connected = true;
      out.address = ep.address().to_string();
    }
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target.target, 11};
    req.set(bhttp::field::host, target.host_header);
    req.set(bhttp::field::user_agent, "kanri");
    if (digest) authorization = digest->Authorization("GET", target.target);
    if (authorization) req.set(bhttp::field::authorization, *authorization);
    req.keep_alive(true);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(settings_.max_response_bytes));
    parser.body_limit(settings_.max_response_bytes);
    auto ec = co_await channel.Exchange(req, parser, deadline);
    if (ec) {
      const auto& http_category = boost::system::error_code(bhttp::error::bad_method).category();
      if (ec.category() == http_category && ec != bhttp::error::end_of_stream)
        co_return Fail(ConnectionRequestFailure::kBadResponse,
                       "the device's answer is not valid HTTP or too large");
      co_return network_failure(ec, ConnectionRequestFailure::kConnectFailed, "the exchange failed");
    }
    auto& res = parser.get();
    out.http_status = static_cast<int>(res.result_int());
    if (out.http_status == 200 || out.http_status == 204) co_return out;
    if (out.http_status != 401)
      co_return failed(
          ConnectionRequestFailure::kUnexpectedStatus,
          "the device answered " + std::to_string(out.http_status) +
              (out.http_status >= 300 && out.http_status < 400 ? " (redirects are not followed)" : ""));
    if (attempt == 1) break;
    std::vector<std::string> challenges;
    for (const auto& field : res)
      if (field.name() == bhttp::field::www_authenticate) challenges.emplace_back(field.value());
    auto answer = http::AnswerChallenges(http::ParseAuthChallenges(challenges), username, password);
    if (!answer)
      co_return failed(ConnectionRequestFailure::kAuthRejected,
                       "the device's challenge offers neither Digest nor Basic");
    if (answer->digest) {
      digest = std::move(answer->digest);
      out.auth = "digest";
    } else {
      authorization = answer->basic;
      out.auth = "basic";
    }
    if (!res.keep_alive()) {
      channel.Close();
      connected = false;  // reconnect to the same checked addresses, no new resolution
    }
  }
  co_return failed(ConnectionRequestFailure::kAuthRejected, "the device refused the credentials");
}

}  // namespace kanri::cwmp
