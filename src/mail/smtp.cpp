#include "mail/smtp.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "base/crypto.h"

namespace kanri::mail {

namespace {

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// "Sun, 06 Dec 2026 19:30:00 +0900".
std::string RfcDateJst(Timestamp t) {
  using namespace std::chrono;
  const auto local = floor<seconds>(t) + hours{9};
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const weekday wd{day};
  const hh_mm_ss hms{local - day};
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %d %02d:%02d:%02d +0900", kDays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

// RFC 2047 encoded words of at most 39 bytes of UTF-8 each (cut at character boundaries),
// folded onto continuation lines.
std::string EncodeHeaderText(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = std::min(text.size(), i + 39);
    while (end < text.size() && end > i && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string CrlfBase64(std::string_view body) {
  std::string crlf;
  crlf.reserve(body.size() + body.size() / 40);
  for (char c : body) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const std::string b64 = Base64Encode(crlf);
  std::string out;
  for (std::size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
  return out;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view data;
  std::size_t sent = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  const std::size_t chunk = std::min(size * n, u->data.size() - u->sent);
  std::copy_n(u->data.data() + u->sent, chunk, buffer);
  u->sent += chunk;
  return chunk;
}

// Keeps the conversation: "> " what Kanri sent, "< " what the server answered, "* " curl's
// notes. AUTH lines and what follows them in the same exchange are hidden.
int Debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() > 64 * 1024) return 0;
  std::string_view text{data, size};
  const char* prefix = nullptr;
  switch (type) {
    case CURLINFO_TEXT:
      prefix = "* ";
      break;
    case CURLINFO_HEADER_IN:
      prefix = "< ";
      break;
    case CURLINFO_HEADER_OUT:
      prefix = "> ";
      if (StartsWith(text, "AUTH") || StartsWith(text, "auth")) text = "AUTH (hidden)\r\n";
      break;
    default:
      return 0;  // the mail itself and TLS records are not part of the transcript
  }
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // A base64 blob answering an AUTH challenge looks like a bare token; hide it too.
    *out += prefix;
    *out += line;
    *out += '\n';
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return 0;
}

}  // namespace

Status ValidateSmtpSettings(const SmtpSettings& s) {
  if (s.url.empty()) return Ok{};
  if (!StartsWith(s.url, "smtp://") && !StartsWith(s.url, "smtps://"))
    return InvalidArgument("smtp-url", "--smtp-url must start with smtp:// (STARTTLS) or smtps:// (TLS)");
  const auto at = s.from.find('@');
  if (s.from.empty() || at == std::string::npos || at == 0 || at + 1 == s.from.size() ||
      s.from.find_first_of(" \t\r\n<>,;\"\\") != std::string::npos)
    return InvalidArgument("mail-from", "--mail-from must be the sender's address, like kanri@example.jp");
  return Ok{};
}

std::string FormatMail(const std::string& from, const std::string& to, const std::string& message_id,
                       const Message& message, Timestamp date) {
  std::string m;
  m += "Date: " + RfcDateJst(date) + "\r\n";
  m += "From: " + from + "\r\n";
  m += "To: " + to + "\r\n";
  m += "Message-ID: " + message_id + "\r\n";
  m += "Subject: " + EncodeHeaderText(message.subject) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: base64\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "\r\n";
  m += CrlfBase64(message.body);
  return m;
}

SmtpSender::SmtpSender(SmtpSettings settings) : settings_(std::move(settings)) {
  GlobalInit();
}

SendResult SmtpSender::Send(const std::string& to, const std::string& message_id, const Message& message,
                            Timestamp date) const {
  SendResult result;
  if (!configured()) {
    result.error = "no SMTP server is configured (--smtp-url)";
    return result;
  }
  const std::string text = FormatMail(settings_.from, to, message_id, message, date);
  Upload upload{text};
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{curl_easy_init(), curl_easy_cleanup};
  if (!curl) {
    result.error = "libcurl could not start";
    return result;
  }
  CURL* c = curl.get();
  const std::string envelope_from = "<" + settings_.from + ">";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt{
      curl_slist_append(nullptr, ("<" + to + ">").c_str()), curl_slist_free_all};
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   static_cast<long>(settings_.insecure ? CURLUSESSL_TRY : CURLUSESSL_ALL));
  if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
  if (!settings_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, envelope_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<long long>(settings_.timeout.count(), 15'000)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, Debug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &result.transcript);

  const CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.smtp_code);
  if (rc == CURLE_OK) {
    result.ok = true;
    return result;
  }
  result.error = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
  if (result.smtp_code) result.error += " (SMTP " + std::to_string(result.smtp_code) + ")";
  // 5xx is the server's final refusal of this mail, except authentication (535, 530), which a
  // configuration change fixes: those are retried like a server that is down.
  result.permanent = result.smtp_code >= 500 && result.smtp_code < 600 && result.smtp_code != 530 &&
                     result.smtp_code != 535 && rc != CURLE_LOGIN_DENIED;
  return result;
}

}  // namespace kanri::mail
