// Sending one mail over SMTP with libcurl: `smtp://host:port` with STARTTLS required (unless
// `insecure`), or `smtps://host:port` (TLS from the first byte), optional AUTH, certificates
// checked against the system's or a given CA file. Blocking: call it from a worker thread
// (the mail-delivery job runs on its own).
//
//   SmtpSender smtp{{.url = "smtp://mail.example.jp:587", .from = "kanri@example.jp"}};
//   SendResult r = smtp.Send("taro@example.jp", "<id@kanri.example.jp>", message, now);
//   if (!r.ok && !r.permanent) …retry later…
#pragma once

#include <string>

#include "base/result.h"
#include "base/time.h"
#include "mail/messages.h"

namespace kanri::mail {

struct SmtpSettings {
  std::string url;  // empty: mail is queued but not sent (delivery reports it)
  std::string user;
  std::string password;
  std::string from;       // the envelope sender and From: address
  bool insecure = false;  // smtp:// without STARTTLS (a relay on the same host)
  std::string ca_file;    // trust these CAs instead of the system's
  Millis timeout = std::chrono::seconds{60};
};

// Checks a configuration before the server starts: scheme, From address.
Status ValidateSmtpSettings(const SmtpSettings& s);

struct SendResult {
  bool ok = false;
  // The server refused for good (a 5xx reply): retrying cannot help.
  bool permanent = false;
  long smtp_code = 0;  // the last reply code, 0 when none came (no connection)
  std::string error;   // for the outbox and the log; never contains the password
  // The SMTP conversation (commands and replies, AUTH lines hidden), for `kanri mail test`.
  std::string transcript;
};

// The RFC 5322 text of a mail: headers (Subject encoded per RFC 2047, Date in JST), a base64
// UTF-8 plain-text body, CRLF line ends.
std::string FormatMail(const std::string& from, const std::string& to, const std::string& message_id,
                       const Message& message, Timestamp date);

class SmtpSender {
 public:
  explicit SmtpSender(SmtpSettings settings);
  bool configured() const { return !settings_.url.empty(); }
  SendResult Send(const std::string& to, const std::string& message_id, const Message& message,
                  Timestamp date) const;

 private:
  SmtpSettings settings_;
};

}  // namespace kanri::mail
