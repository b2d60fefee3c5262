#include "http/server.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <cstring>
#include <vector>

#include "base/cleanup.h"
#include "base/crypto.h"
#include "base/log.h"
#include "base/text.h"
#include "http/client_address.h"

namespace kanri::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// A request id (logs, X-Request-Id, the operation history): unique, not secret. Each thread
// numbers its requests from a random start and scrambles the number with splitmix64's
// finaliser, a bijection, so a thread never repeats one; two threads repeat each other's only
// if their random starts lie within as many numbers as they serve requests (for a billion
// requests each, a chance of about 1 in 10^10). No random-number call per request.
std::string NextRequestId() {
  thread_local std::uint64_t counter = [] {
    std::uint64_t seed = 0;
    const std::string bytes = RandomBytes(sizeof seed);
    std::memcpy(&seed, bytes.data(), sizeof seed);
    return seed;
  }();
  std::uint64_t z = ++counter;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return fmt::format("{:016x}", z);
}

// Turns a parsed Beast request head into our plain struct (the body is added by the caller);
// nullopt when the target is malformed.
std::optional<HttpRequest> Translate(const bhttp::request_header<>& in, const std::string& client_ip,
                                     std::uint64_t connection_id) {
  HttpRequest out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  auto parsed = boost::urls::parse_origin_form(out.target);
  if (!parsed) return std::nullopt;
  std::string_view encoded_path = parsed->encoded_path();
  // An encoded slash would let a path parameter span segments.
  if (AsciiLower(encoded_path).find("%2f") != std::string::npos) return std::nullopt;
  out.path = parsed->path();
  for (auto p : parsed->params()) out.query.emplace_back(p.key, p.value);
  for (const auto& field : in)
    out.headers.emplace_back(AsciiLower(field.name_string()), std::string(field.value()));
  out.client_ip = client_ip;
  out.connection_id = connection_id;
  out.request_id = NextRequestId();
  return out;
}

bhttp::response<bhttp::string_body> ToBeast(const HttpResponse& in, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(in.status), version};
  out.set(bhttp::field::server, "kanri");
  if (!in.content_type.empty()) out.set(bhttp::field::content_type, in.content_type);
  for (const auto& [k, v] : in.headers) out.insert(k, v);
  out.body() = in.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

HttpResponse TransportProblem(int status, std::string code, std::string detail) {
  HttpResponse r = ProblemResponse({status, std::move(code), "", std::move(detail), ""});
  r.close_connection = true;
  return r;
}

constexpr std::size_t kFileChunkBytes = 64 * 1024;
// The most a connection's read buffer grows to for a request body (it keeps that capacity).
constexpr std::size_t kBodyReadBytes = 16 * 1024;

// OPS-4: the most a connection's read buffer ever holds. The parser moves a body out of it as
// it arrives (into the body, within its limit), so only a head, or a chunk-size line, waits
// there whole: one that does not fit ends the request (buffer_overflow) instead of growing the
// buffer, whatever the client sends.
std::size_t ReadBufferLimit(const ServerSettings& settings) {
  return settings.max_header_bytes + kBodyReadBytes;
}

// RFC 9112 section 6: a request's body length must be unambiguous, or a proxy in front and
// this server could split the stream into different requests (smuggling). Beast takes a
// Transfer-Encoding whose last coding is not chunked for "no body", and accepts a
// Content-Length after one; both, and Transfer-Encoding in HTTP/1.0 (section 6.1), are
// refused here. The only coding this server reads is chunked.
bool AmbiguousFraming(const bhttp::request_header<>& head) {
  std::vector<std::string> codings;
  for (const auto& field : head) {
    if (field.name() != bhttp::field::transfer_encoding) continue;
    std::string_view list(field.value().data(), field.value().size());
    while (!list.empty()) {
      const auto comma = list.find(',');
      std::string_view coding = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
      while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
      if (!coding.empty()) codings.push_back(AsciiLower(coding));
    }
    if (codings.empty()) return true;  // a Transfer-Encoding without a coding
  }
  if (codings.empty()) return false;
  return head.version() < 11 || head.count(bhttp::field::content_length) > 0 || codings.size() != 1 ||
         codings.front() != "chunked";
}

// DATA-2: where plain HTTP is sent: this server's own host (the public_host setting, else the
// address the connection came to) and port, with the request's path. A target that is no
// plain path ("@evil.example/", "//evil.example", an absolute URL) has no redirect.
std::optional<std::string> RedirectLocation(std::string_view target, const ServerSettings& settings,
                                            const tcp::endpoint& local) {
  if (!target.starts_with('/') || target.starts_with("//") || !boost::urls::parse_origin_form(target))
    return std::nullopt;
  std::string host = settings.public_host;
  if (host.empty()) {
    const auto address = CanonicalAddress(local.address());
    host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  }
  const std::string port = local.port() == 443 ? "" : ":" + std::to_string(local.port());
  return "https://" + host + port + std::string(target);
}

// A request body being spooled to a temporary file (Route::streamed_body_max_bytes), with
// its SHA-256; the file is removed unless Keep() was called.
class Spool {
 public:
  explicit Spool(const std::filesystem::path& dir)
      : path_(dir / ("upload-" + HexEncode(RandomBytes(12)) + ".part")), sha_(EVP_MD_CTX_new()) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0 || !sha_ || EVP_DigestInit_ex(sha_, EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("cannot create an upload file in " + dir.string());
  }
  ~Spool() {
    if (fd_ >= 0) ::close(fd_);
    EVP_MD_CTX_free(sha_);
    std::error_code ignored;
    if (!kept_) std::filesystem::remove(path_, ignored);
  }
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  void Write(const char* data, std::size_t n) {
    EVP_DigestUpdate(sha_, data, n);
    size_ += n;
    while (n > 0) {
      ssize_t w = ::write(fd_, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) throw std::runtime_error("writing an upload file failed");
      data += w;
      n -= static_cast<std::size_t>(w);
    }
  }
  SpooledBody Keep() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(sha_, digest, &len);
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      throw std::runtime_error("writing an upload file failed");
    }
    fd_ = -1;
    kept_ = true;
    return SpooledBody{path_, size_, HexEncode(std::string_view(reinterpret_cast<char*>(digest), len))};
  }

 private:
  std::filesystem::path path_;
  EVP_MD_CTX* sha_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool kept_ = false;
};

// Removes a spooled body the handler left in place.
struct SpoolCleanup {
  std::optional<std::filesystem::path> path;
  ~SpoolCleanup() {
    std::error_code ignored;
    if (path) std::filesystem::remove(*path, ignored);
  }
};

}  // namespace

struct HttpServer::Connection {
  // Touched only on the connection's strand.
  beast::tcp_stream* stream = nullptr;
  bool busy = false;
  asio::strand<asio::io_context::executor_type> strand;
  explicit Connection(asio::strand<asio::io_context::executor_type> s) : strand(std::move(s)) {}
};

void PrepareUploadDir(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("upload-") && name.ends_with(".part")) std::filesystem::remove(entry.path());
  }
}

bool ValidPublicHost(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    boost::system::error_code ec;
    (void)asio::ip::make_address_v6(std::string(host.substr(1, host.size() - 2)), ec);
    return !ec;
  }
  return !host.empty() && host.size() < 254 && IsAsciiWord(host, ".-") && host.front() != '.' &&
         host.front() != '-';
}

std::pair<std::string, std::uint16_t> ParseListenAddress(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos)
    throw std::invalid_argument("listen address '" + text + "' must be host:port");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535 || host.empty())
    throw std::invalid_argument("listen address '" + text +
                                "' must be host:port with a port from 0 to 65535");
  return {host, static_cast<std::uint16_t>(port)};
}

HttpServer::HttpServer(asio::io_context& io, asio::ssl::context& tls, ServerSettings settings,
                       RequestHandler handler, std::string name)
    : io_(io),
      tls_(tls),
      settings_(settings),
      handler_(std::move(handler)),
      name_(std::move(name)),
      admission_({.max_connections = settings.max_connections,
                  .max_per_address = settings.max_connections_per_address,
                  .reserve = settings.connection_reserve,
                  .refusal_log_interval = settings.refusal_log_interval}),
      gate_strand_(asio::make_strand(io)),
      gate_(gate_strand_) {}

HttpServer::~HttpServer() = default;

BoundListener::~BoundListener() {
  if (fd_ >= 0) ::close(fd_);
}

BoundListener BindListener(const std::string& host, std::uint16_t port) {
  tcp::endpoint endpoint{asio::ip::make_address(host), port};
  asio::io_context io;  // only to bind; the server's own context adopts the socket
  tcp::acceptor acceptor{io};
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  const tcp::endpoint bound = acceptor.local_endpoint();
  return BoundListener{acceptor.release(), bound};
}

tcp::endpoint HttpServer::Listen(const std::string& host, std::uint16_t port) {
  return Listen(BindListener(host, port));
}

tcp::endpoint HttpServer::Listen(BoundListener listener) {
  acceptor_ = std::make_unique<tcp::acceptor>(asio::make_strand(io_));
  acceptor_->assign(listener.endpoint().protocol(), listener.Release());
  return acceptor_->local_endpoint();
}

void HttpServer::Start() {
  asio::co_spawn(acceptor_->get_executor(), Accept(), asio::detached);
}

asio::awaitable<void> HttpServer::Accept() {
  while (!draining_) {
    auto strand = asio::make_strand(io_);
    auto [ec, socket] = co_await acceptor_->async_accept(strand, kTuple);
    if (ec) {
      if (draining_ || ec == asio::error::operation_aborted) break;
      LogWarn("accept failed", {{"listener", name_}, {"error", ec.message()}});
      continue;
    }
    boost::system::error_code remote_ec;
    const auto address = CanonicalAddress(socket.remote_endpoint(remote_ec).address());
    if (remote_ec) continue;  // the client is gone already
    const Admission admission = admission_.Admit(address);
    if (admission != Admission::kAdmitted) {
      // OPS-4: refused at once; the log gets a line per reason and interval, not per refusal.
      if (const auto left_out = admission_.LogTurn(admission, std::chrono::steady_clock::now())) {
        LogWarn(admission == Admission::kAddressFull ? "connection refused: too many from one address"
                                                     : "connection refused: max_connections reached",
                {{"listener", name_},
                 {"address", address.to_string()},
                 {"refusals_not_logged", static_cast<std::int64_t>(*left_out)}});
      }
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    // Answers larger than one segment (a device list page over TLS) would otherwise wait for the
    // client's delayed ACK of the previous segment (Nagle): ~40 ms on every such answer.
    boost::system::error_code nodelay_ignored;
    socket.set_option(tcp::no_delay(true), nodelay_ignored);
    auto conn = std::make_shared<Connection>(strand);
    {
      std::lock_guard lock(mu_);
      connections_.insert(conn);
    }
    asio::co_spawn(strand, Serve(std::move(socket), conn), [this, conn, address](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          LogWarn("connection ended with an error", {{"listener", name_}, {"error", ex.what()}});
        }
      }
      std::lock_guard lock(mu_);
      connections_.erase(conn);
      admission_.Release(address);
      if (draining_ && connections_.empty()) asio::post(gate_strand_, [this] { gate_.cancel(); });
    });
  }
}

// The keep-alive loop of one connection, over TLS or (for a lab CWMP listener) plain TCP.
struct HttpServer::RequestLoop {
  // What a client is told when its request body could not be read: 413 over the limit, 400
  // when it is not valid HTTP (a chunk-size line longer than the read buffer among them);
  // nullopt for transport failures, which end the connection without an answer.
  static std::optional<HttpResponse> BodyReadProblem(const boost::system::error_code& ec) {
    if (ec == bhttp::error::body_limit)
      return TransportProblem(413, "body_too_large", "The request body is too large.");
    if (ec.category() == boost::system::error_code(bhttp::error::bad_method).category())
      return TransportProblem(400, "bad_request", "The request body is not valid HTTP.");
    return std::nullopt;
  }

  // Sends a FileBody response: the head, then the byte range in chunks (DEV-6 downloads).
  // A file that cannot be read any more ends the connection: the head has promised its length.
  template <typename Stream>
  static asio::awaitable<boost::system::error_code> WriteFile(Stream& stream, beast::tcp_stream& tcp,
                                                              const HttpResponse& response, unsigned version,
                                                              bool keep_alive, bool head_only,
                                                              const ServerSettings& settings) {
    const FileBody& file = *response.file_body;
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(response.status), version};
    head.set(bhttp::field::server, "kanri");
    if (!response.content_type.empty()) head.set(bhttp::field::content_type, response.content_type);
    for (const auto& [k, v] : response.headers) head.insert(k, v);
    head.keep_alive(keep_alive);
    head.content_length(file.length);
    bhttp::response_serializer<bhttp::empty_body> serializer{head};
    tcp.expires_after(settings.request_deadline);
    auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, kTuple);
    (void)n;
    if (ec || head_only) co_return ec;
    beast::file in;
    in.open(file.path.c_str(), beast::file_mode::scan, ec);
    if (!ec) in.seek(file.offset, ec);
    std::vector<char> chunk(kFileChunkBytes);
    for (std::uint64_t left = file.length; !ec && left > 0;) {
      // Local disk reads of one chunk are short enough for the I/O thread.
      std::size_t got =
          in.read(chunk.data(), static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size())), ec);
      if (!ec && got == 0) ec = asio::error::eof;
      if (ec) break;
      tcp.expires_after(settings.request_deadline);
      auto [wec, written] = co_await asio::async_write(stream, asio::buffer(chunk.data(), got), kTuple);
      (void)written;
      ec = wec;
      left -= got;
    }
    co_return ec;
  }

  // One request on its way to the handler, or to an answer given without it (`early`).
  struct Incoming {
    bhttp::request_parser<bhttp::string_body> parser;
    std::optional<HttpResponse> early;
    std::optional<HttpRequest> request;
    std::optional<std::uint64_t> streamed_limit;  // set when the body is spooled to a file
    unsigned version = 11;
    bool keep_alive = false;
    SpoolCleanup spool_cleanup;
  };
  enum class Next { kGoOn, kClose };

  // The keep-alive loop: each request is read (head, then body), answered, and the connection
  // kept or closed.
  template <typename Stream>
  static asio::awaitable<void> Run(HttpServer& self, Stream& stream, beast::tcp_stream& tcp,
                                   beast::flat_buffer& buffer, Connection* conn, const std::string& client_ip,
                                   std::uint64_t connection_id) {
    const ServerSettings& settings = self.settings_;
    if (buffer.size() == 0) {
      // OPS-4: a connection that has sent nothing yet gets first_byte_timeout, not the
      // keep-alive wait.
      tcp.expires_after(settings.first_byte_timeout);
      auto [first_ec, first_n] = co_await stream.async_read_some(buffer.prepare(kBodyReadBytes), kTuple);
      if (first_ec) co_return;
      buffer.commit(first_n);
    }
    for (;;) {
      conn->busy = false;
      if (self.draining_) break;
      Incoming in;
      in.parser.header_limit(static_cast<std::uint32_t>(settings.max_header_bytes));
      // The body's limit depends on the route (streamed uploads): checked once the head is read.
      in.parser.body_limit(boost::none);
      tcp.expires_after(settings.idle_connection_timeout);
      auto [header_ec, header_n] = co_await bhttp::async_read_header(stream, buffer, in.parser, kTuple);
      (void)header_n;
      conn->busy = true;
      if (OnHeadRead(header_ec, in) == Next::kClose) break;
      if (!in.early) co_await Admit(self, tcp, in, client_ip, connection_id);
      if (!in.early && co_await ReadBody(self, stream, tcp, buffer, in) == Next::kClose) break;
      const boost::system::error_code write_ec = co_await Respond(self, stream, tcp, in);
      if (!write_ec && in.early) co_await DiscardRest(stream, tcp, settings);
      if (write_ec || !in.keep_alive) break;
    }
  }

  // After the head: a closed, idle or broken connection ends; a head that is too large or not
  // HTTP is answered with its problem.
  static Next OnHeadRead(const boost::system::error_code& ec, Incoming& in) {
    if (!ec) return Next::kGoOn;
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::ssl::error::stream_truncated)
      return Next::kClose;
    if (ec == bhttp::error::header_limit) {
      in.early = TransportProblem(431, "header_too_large", "The request headers are too large.");
    } else if (ec == bhttp::error::body_limit) {
      in.early = TransportProblem(413, "body_too_large", "The request body is too large.");
    } else if (ec.category() == boost::system::error_code(bhttp::error::bad_method).category()) {
      in.early = TransportProblem(400, "bad_request", "The request is not valid HTTP.");
    } else {
      return Next::kClose;  // transport
    }
    return Next::kGoOn;
  }

  // Translates the head into a request and decides how its body is read: spooled to a file (a
  // streamed upload route) or in memory, within the route's limit.
  static asio::awaitable<void> Admit(HttpServer& self, beast::tcp_stream& tcp, Incoming& in,
                                     const std::string& client_ip, std::uint64_t connection_id) {
    const ServerSettings& settings = self.settings_;
    auto& parser = in.parser;
    if (AmbiguousFraming(parser.get())) {
      in.early = TransportProblem(400, "bad_request", "The length of the request body is ambiguous.");
      co_return;
    }
    tcp.expires_after(settings.request_deadline);
    in.version = parser.get().version();
    in.keep_alive = parser.get().keep_alive();
    in.request = Translate(parser.get(), client_ip, connection_id);
    if (!in.request) {
      in.early = TransportProblem(400, "bad_request", "The request target is not a valid path.");
      co_return;
    }
    // SEC-4: behind a trusted proxy, the client it names.
    if (!settings.trusted_proxies.empty())
      in.request->client_ip = ClientAddress(client_ip, in.request->headers, settings.trusted_proxies);
    if (!parser.is_done() && self.body_streaming_ && !settings.upload_dir.empty())
      in.streamed_limit = co_await self.body_streaming_(*in.request);
    std::uint64_t limit = in.streamed_limit.value_or(settings.max_body_bytes);
    if (!in.streamed_limit && !parser.is_done() && self.body_limit_) {
      if (const auto tighter = self.body_limit_(*in.request)) limit = std::min(limit, *tighter);
    }
    if (parser.content_length() && *parser.content_length() > limit) {
      in.early = TransportProblem(413, "body_too_large", "The request body is too large.");
    } else {
      parser.body_limit(limit);  // chunked bodies are counted as they arrive
    }
  }

  // Reads the body (after a 100 Continue when asked for one). A body over the limit or not
  // valid HTTP becomes the answer; a transport failure closes the connection.
  template <typename Stream>
  static asio::awaitable<Next> ReadBody(HttpServer& self, Stream& stream, beast::tcp_stream& tcp,
                                        beast::flat_buffer& buffer, Incoming& in) {
    auto& parser = in.parser;
    if (parser.get()[bhttp::field::expect] == "100-continue") {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      co_await bhttp::async_write(stream, cont, kTuple);
    }
    boost::system::error_code body_ec;
    if (in.streamed_limit) {
      body_ec = co_await SpoolBody(self.settings_, stream, tcp, buffer, in);
    } else if (!parser.is_done()) {
      // Beast reads as much as the buffer has room for, and the parser moves each read into
      // the body at once, so the buffer would never grow past its first 512 bytes: a 3 kB
      // Inform would take seven reads. Room for the body (up to a bound) takes one or two.
      if (const auto length = parser.content_length()) {
        const std::size_t want = std::min(
            buffer.max_size(),
            buffer.size() + static_cast<std::size_t>(std::min<std::uint64_t>(*length, kBodyReadBytes)));
        if (buffer.capacity() < want) buffer.reserve(want);
      }
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      (void)n;
      body_ec = ec;
    }
    if (body_ec && !(in.early = BodyReadProblem(body_ec))) co_return Next::kClose;
    co_return Next::kGoOn;
  }

  // Spools a streamed upload to a file chunk by chunk, never holding it whole in memory; the
  // deadline applies to each chunk, so a large upload may take as long as it keeps flowing.
  template <typename Stream>
  static asio::awaitable<boost::system::error_code> SpoolBody(const ServerSettings& settings, Stream& stream,
                                                              beast::tcp_stream& tcp,
                                                              beast::flat_buffer& buffer, Incoming& in) {
    bhttp::request_parser<bhttp::buffer_body> body_parser{std::move(in.parser)};
    body_parser.body_limit(*in.streamed_limit);
    Spool spool(settings.upload_dir);
    std::vector<char> chunk(kFileChunkBytes);
    while (!body_parser.is_done()) {
      body_parser.get().body().data = chunk.data();
      body_parser.get().body().size = chunk.size();
      tcp.expires_after(settings.request_deadline);
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, body_parser, kTuple);
      (void)n;
      spool.Write(chunk.data(), chunk.size() - body_parser.get().body().size);
      if (ec == bhttp::error::need_buffer) continue;
      if (ec) co_return ec;
    }
    in.request->spooled_body = spool.Keep();
    in.spool_cleanup.path = in.request->spooled_body->path;
    co_return boost::system::error_code{};
  }

  // Answers the request (the handler's answer, or the problem found on the way) and writes it.
  template <typename Stream>
  static asio::awaitable<boost::system::error_code> Respond(HttpServer& self, Stream& stream,
                                                            beast::tcp_stream& tcp, Incoming& in) {
    HttpResponse response;
    if (in.early) {
      response = std::move(*in.early);
      response.SetHeader("X-Request-Id", NextRequestId());
      response.SetHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
      response.SetHeader("X-Content-Type-Options", "nosniff");
    } else {
      // `parser` was moved from only when streamed_limit is set (its body went to a spool).
      if (!in.streamed_limit)
        in.request->body = std::move(in.parser.get().body());  // NOLINT(bugprone-use-after-move)
      response = co_await self.handler_(*in.request);
    }
    in.keep_alive = in.keep_alive && !response.close_connection && !self.draining_;
    if (response.file_body)
      co_return co_await WriteFile(stream, tcp, response, in.version, in.keep_alive,
                                   in.request && in.request->method == "HEAD", self.settings_);
    auto out = ToBeast(response, in.version, in.keep_alive);
    tcp.expires_after(self.settings_.request_deadline);
    auto [ec, written] = co_await bhttp::async_write(stream, out, kTuple);
    (void)written;
    co_return ec;
  }

  // Lingering close after an early answer: discard what the client is still sending, within
  // bounds, so that it reads the answer instead of a reset.
  template <typename Stream>
  static asio::awaitable<void> DiscardRest(Stream& stream, beast::tcp_stream& tcp,
                                           const ServerSettings& settings) {
    tcp.expires_after(settings.lingering_close);
    std::size_t discarded = 0;
    const std::size_t limit = settings.max_body_bytes + settings.max_header_bytes;
    for (char sink[16 * 1024]; discarded < limit;) {
      auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
      if (read_ec) break;
      discarded += n;
    }
  }
};

asio::awaitable<void> HttpServer::Serve(tcp::socket socket, std::shared_ptr<Connection> conn) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const std::string client_ip = ec ? std::string("unknown") : remote.address().to_string();
  const std::uint64_t connection_id = next_connection_id_.fetch_add(1) + 1;
  Cleanup closed{[this, connection_id] {
    if (on_connection_closed_) on_connection_closed_(connection_id);
  }};

  if (!settings_.tls) {
    beast::tcp_stream plain{std::move(socket)};
    conn->stream = &plain;
    Cleanup unregister{[&conn] { conn->stream = nullptr; }};
    if (draining_) co_return;  // came in as the listener closed
    beast::flat_buffer buffer{ReadBufferLimit(settings_)};
    co_await RequestLoop::Run(*this, plain, plain, buffer, conn.get(), client_ip, connection_id);
    conn->busy = false;
    plain.socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return;
  }

  beast::ssl_stream<beast::tcp_stream> stream{beast::tcp_stream(std::move(socket)), tls_};
  conn->stream = &stream.next_layer();
  Cleanup unregister{[&conn] { conn->stream = nullptr; }};
  if (draining_) co_return;  // came in as the listener closed

  beast::flat_buffer buffer{ReadBufferLimit(settings_)};
  stream.next_layer().expires_after(settings_.first_byte_timeout);
  auto [detect_ec, is_tls] = co_await beast::async_detect_ssl(stream.next_layer(), buffer, kTuple);
  if (detect_ec) co_return;
  stream.next_layer().expires_after(settings_.tls_handshake_timeout);

  if (!is_tls) {
    // DATA-2: plain HTTP only redirects to https.
    bhttp::request_parser<bhttp::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(settings_.max_header_bytes));
    auto [read_ec, n] = co_await bhttp::async_read_header(stream.next_layer(), buffer, parser, kTuple);
    (void)n;
    HttpResponse r;
    const auto local = stream.next_layer().socket().local_endpoint(ec);
    const auto location = read_ec || ec
                              ? std::nullopt
                              : RedirectLocation(std::string_view(parser.get().target()), settings_, local);
    if (!location) {
      r = TransportProblem(400, "https_required", "Use https.");
    } else {
      r.status = 308;
      r.SetHeader("Location", *location);
      r.close_connection = true;
    }
    r.SetHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    auto out = ToBeast(r, 11, false);
    co_await bhttp::async_write(stream.next_layer(), out, kTuple);
    stream.next_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return;
  }

  auto [hs_ec, used] = co_await stream.async_handshake(asio::ssl::stream_base::server, buffer.data(), kTuple);
  if (hs_ec) co_return;
  buffer.consume(used);

  co_await RequestLoop::Run(*this, stream, stream.next_layer(), buffer, conn.get(), client_ip, connection_id);
  conn->busy = false;
  stream.next_layer().expires_after(std::chrono::seconds{1});
  co_await stream.async_shutdown(kTuple);
}

asio::awaitable<void> HttpServer::Drain() {
  draining_ = true;
  if (acceptor_) {
    asio::post(acceptor_->get_executor(), [this] {
      boost::system::error_code ignored;
      acceptor_->close(ignored);
    });
  }
  co_await asio::co_spawn(gate_strand_, AwaitGate(), asio::use_awaitable);
}

bool HttpServer::CloseConnections(bool busy_too) {
  std::lock_guard lock(mu_);
  for (const auto& conn : connections_) {
    asio::post(conn->strand, [conn, busy_too] {
      if (conn->stream && (busy_too || !conn->busy)) conn->stream->cancel();
    });
  }
  return connections_.empty();
}

asio::awaitable<void> HttpServer::AwaitGate() {
  // Runs on the gate's strand: closing the idle connections, finding some left and starting the
  // wait are one step there, so the last connection's cancel (posted there) comes after it.
  // Busy connections end after their request (keep-alive is off while draining).
  if (CloseConnections(false)) co_return;
  gate_.expires_after(settings_.shutdown_grace);
  auto [ec] = co_await gate_.async_wait(kTuple);
  if (ec != asio::error::operation_aborted) {
    LogWarn("shutdown grace over; closing connections still busy",
            {{"listener", name_}, {"connections", static_cast<std::int64_t>(admission_.active())}});
    CloseConnections(true);
  }
}

}  // namespace kanri::http
