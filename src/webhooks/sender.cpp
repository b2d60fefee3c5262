#include "webhooks/sender.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace kanri::webhooks {

namespace {

namespace asio = boost::asio;

constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  const AddressPolicy* policy = nullptr;
  std::size_t received = 0;
  std::string refused;  // the policy's reason, when it refused an address
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }
};

std::size_t Discard(char*, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->received += size * n;
  return t->received > kMaxAnswerBytes ? 0 : size * n;
}

std::optional<asio::ip::address> AddressOf(const curl_sockaddr* a) {
  if (a->family == AF_INET && a->addrlen >= sizeof(sockaddr_in)) {
    sockaddr_in in{};
    std::memcpy(&in, &a->addr, sizeof in);
    asio::ip::address_v4::bytes_type b;
    std::memcpy(b.data(), &in.sin_addr, 4);
    return asio::ip::address_v4(b);
  }
  if (a->family == AF_INET6 && a->addrlen >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in{};
    std::memcpy(&in, &a->addr, sizeof in);
    asio::ip::address_v6::bytes_type b;
    std::memcpy(b.data(), &in.sin6_addr, 16);
    return asio::ip::address_v6(b);
  }
  return std::nullopt;
}

// Every address libcurl is about to connect to passes the policy first.
curl_socket_t OpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  const auto a = AddressOf(address);
  if (!a) {
    t->refused = "not an IP address";
    return CURL_SOCKET_BAD;
  }
  if (auto ok = t->policy->Check(*a); !ok) {
    t->refused = ok.error().message;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

std::string Describe(CURLcode code, const Transfer& t) {
  if (!t.refused.empty()) return "address refused: " + t.refused;
  if (code == CURLE_WRITE_ERROR) return "the answer was larger than 64 KiB";
  if (code == CURLE_OPERATION_TIMEDOUT) return "no answer within the timeout";
  std::string text = t.error[0] ? std::string(t.error) : std::string(curl_easy_strerror(code));
  return text.substr(0, 300);
}

}  // namespace

CurlPoster::CurlPoster(CurlPosterSettings settings) : settings_(std::move(settings)) {
  GlobalInit();
}

std::vector<PostResult> CurlPoster::PostAll(const std::vector<PostRequest>& requests) const {
  std::vector<PostResult> results(requests.size());
  if (requests.empty()) return results;
  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> multi(curl_multi_init(), curl_multi_cleanup);
  std::vector<std::unique_ptr<Transfer>> transfers(requests.size());
  std::size_t next = 0;
  std::size_t running_count = 0;
  auto start = [&](std::size_t i) {
    const PostRequest& r = requests[i];
    auto t = std::make_unique<Transfer>();
    t->policy = &settings_.policy;
    t->easy = curl_easy_init();
    CURL* e = t->easy;
    for (const auto& [name, value] : r.headers)
      t->headers = curl_slist_append(t->headers, (name + ": " + value).c_str());
    t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
    t->headers = curl_slist_append(t->headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!settings_.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, settings_.ca_file.c_str());
    curl_easy_setopt(e, CURLOPT_USERAGENT, settings_.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)));
    curl_multi_add_handle(multi.get(), e);
    transfers[i] = std::move(t);
    ++running_count;
  };
  const std::size_t concurrency = std::max<std::size_t>(1, settings_.concurrency);
  while (next < requests.size() && running_count < concurrency) start(next++);
  while (running_count > 0) {
    int still = 0;
    curl_multi_perform(multi.get(), &still);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      void* priv = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
      const auto i = static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(priv));
      const CURLcode code = msg->data.result;
      long status = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      PostResult& out = results[i];
      if (code == CURLE_OK && status > 0) {
        out.status = static_cast<int>(status);
      } else {
        if (status > 0) out.status = static_cast<int>(status);
        out.error = Describe(code, *transfers[i]);
      }
      curl_multi_remove_handle(multi.get(), msg->easy_handle);
      transfers[i].reset();
      --running_count;
      if (next < requests.size()) start(next++);
    }
    if (running_count > 0) curl_multi_poll(multi.get(), nullptr, 0, 100, nullptr);
  }
  return results;
}

}  // namespace kanri::webhooks
