#include "app/config.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ops/business_days.h"

namespace kanri::app {

std::string Config::DatabaseUrl() const {
  if (!database.empty()) return database;
  return "sqlite://" + (std::filesystem::path(data_dir) / "kanri.db").string();
}

std::optional<std::pair<int, int>> ParseTimeOfDay(const std::string& text) {
  int h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto digits = [&](std::size_t i, int& out) {
    return std::from_chars(text.data() + i, text.data() + i + 2, out).ptr == text.data() + i + 2;
  };
  if (!digits(0, h) || !digits(3, m) || h > 23 || m > 59 || h < 0 || m < 0) return std::nullopt;
  return std::pair{h, m};
}

mail::SmtpSettings Config::Smtp() const {
  mail::SmtpSettings s = smtp;
  if (!smtp_password_file.empty()) {
    std::ifstream in(smtp_password_file);
    if (!in) throw std::runtime_error("--smtp-password-file: cannot read " + smtp_password_file);
    std::getline(in, s.password);
  }
  if (auto st = mail::ValidateSmtpSettings(s); !st) throw std::runtime_error(st.error().message);
  return s;
}

std::string Config::MailDomain() const {
  if (!mail_domain.empty()) return mail_domain;
  const auto at = smtp.from.find('@');
  return at == std::string::npos ? "kanri.invalid" : smtp.from.substr(at + 1);
}

std::size_t Config::DatabaseThreads() const {
  if (db_threads > 0) return db_threads;
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const bool postgres = DatabaseUrl().starts_with("postgres");
  return postgres ? std::max<std::size_t>(8, 2 * cores) : std::max<std::size_t>(2, cores);
}

Millis ParseDuration(const std::string& text) {
  long long n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(ptr, text.data() + text.size() - ptr);
  if (ec != std::errc{} || n < 0 || ptr == text.data())
    throw std::invalid_argument("'" + text + "' is not a duration like 500ms, 30s, 60m, 12h or 7d");
  if (unit == "ms") return Millis{n};
  if (unit == "s") return std::chrono::seconds{n};
  if (unit == "m") return std::chrono::minutes{n};
  if (unit == "h") return std::chrono::hours{n};
  if (unit == "d") return std::chrono::hours{24 * n};
  throw std::invalid_argument("'" + text + "' is not a duration like 500ms, 30s, 60m, 12h or 7d");
}

namespace {

std::string FormatDuration(Millis d) {
  auto ms = d.count();
  if (ms > 0 && ms % (24 * 3600'000) == 0) return std::to_string(ms / (24 * 3600'000)) + "d";
  if (ms % (3600'000) == 0) return std::to_string(ms / 3600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

void AddDuration(CLI::App& app, const std::string& name, Millis& target, const std::string& help) {
  app.add_option_function<std::string>(
         name,
         [&target, name](const std::string& v) {
           try {
             target = ParseDuration(v);
           } catch (const std::invalid_argument& e) {
             throw CLI::ValidationError(name, e.what());
           }
         },
         help)
      ->type_name("DURATION")
      ->default_str(FormatDuration(target));
}

bool IsTomlNumber(const std::string& text) {
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

std::string TomlString(const std::string& text) {
  std::string out = "\"";
  for (const char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

// One value of `option` as TOML: numbers of numeric options and flags bare, anything else a string.
std::string TomlScalar(const CLI::Option& option, const std::string& value) {
  const std::string type = option.get_type_name().substr(0, option.get_type_name().find(':'));
  if (option.get_expected_max() == 0)  // a flag
    return value.empty() || value == "false" || value == "0" ? "false" : "true";
  if ((type == "INT" || type == "UINT" || type == "FLOAT") && IsTomlNumber(value)) return value;
  return TomlString(value);
}

// "a,b" → {"a", "b"}; "" → {}.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

// The value a template line shows: what was given on the command line, else the default.
std::string TomlValue(const CLI::Option& option) {
  const bool list = option.get_expected_max() > 1;
  std::vector<std::string> values = option.results();
  if (option.count() == 0) {
    std::string fallback = option.get_default_str();
    if (list && fallback.size() >= 2 && fallback.front() == '[' && fallback.back() == ']')
      fallback = fallback.substr(1, fallback.size() - 2);  // CLI11 writes a list's default as [a,b]
    values = list ? SplitList(fallback) : std::vector<std::string>{fallback};
  }
  if (!list) return TomlScalar(option, values.empty() ? "" : values.back());
  std::string items;
  for (const auto& v : values) items += (items.empty() ? "" : ", ") + TomlScalar(option, v);
  return "[" + items + "]";
}

void AppendComment(std::string& out, const std::string& text) {
  constexpr std::size_t kWidth = 100;
  std::string line = "#";
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t space = std::min(text.find(' ', start), text.size());
    const std::string word = text.substr(start, space - start);
    start = space + 1;
    if (line.size() > 1 && line.size() + 1 + word.size() > kWidth) {
      out += line + "\n";
      line = "#";
    }
    line += " " + word;
  }
  out += line + "\n";
}

}  // namespace

void AddConfigOptions(CLI::App& app, Config& c) {
  app.set_config("--config", "", "TOML file with any of these options (flags win)");
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.add_option("--data-dir", c.data_dir, "Directory for the database, keys and certificates")
      ->capture_default_str();
  app.add_option(
      "--database", c.database,
      "Database URL: sqlite:///path.db or postgresql://user:pw@host/db (default <data-dir>/kanri.db)");
  app.add_option("--log-level", c.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();

  const std::string server = "Server (kanri serve)";
  auto* g = app.add_option_group(server);
  g->add_option("--listen-api", c.listen_api, "HTTPS address of the API and console")->capture_default_str();
  g->add_option("--listen-cwmp", c.listen_cwmp, "HTTPS address for devices (TR-069)")->capture_default_str();
  g->add_option(
      "--listen-metrics", c.listen_metrics,
      "Prometheus metrics (GET /metrics, plain HTTP) on this loopback address, e.g. 127.0.0.1:9464; "
      "off when empty");
  g->add_flag(
      "--cwmp-insecure-http", c.cwmp_insecure_http,
      "Lab only: devices connect over plain HTTP with HTTP Digest instead of HTTPS (logged as a warning)");
  g->add_option("--tls-cert", c.tls_cert, "PEM certificate chain (default: self-signed in <data-dir>/tls)");
  g->add_option("--tls-key", c.tls_key, "PEM private key for --tls-cert");
  g->add_option("--user", c.user,
                "OPS-4: started as root, bind the ports and then run as this user, who owns the data dir "
                "(kanri serve refuses root without it)");
  g->add_option("--max-header-bytes", c.http.max_header_bytes, "Largest request header")
      ->capture_default_str();
  g->add_option("--max-body-bytes", c.http.max_body_bytes, "Largest request body")->capture_default_str();
  g->add_option("--max-connections", c.http.max_connections, "Connections per listener")
      ->capture_default_str();
  g->add_option("--max-connections-per-address", c.http.max_connections_per_address,
                "OPS-4: connections one source address may hold on a listener")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  g->add_option("--connection-reserve", c.http.connection_reserve,
                "OPS-4: the last this many of --max-connections go only to addresses holding none")
      ->capture_default_str();
  AddDuration(*g, "--first-byte-timeout", c.http.first_byte_timeout,
              "Close a new connection that sends nothing for");
  AddDuration(*g, "--refused-connection-log-interval", c.http.refusal_log_interval,
              "Log refused connections once per this interval, with the count left out");
  g->add_option(
       "--public-host", c.http.public_host,
       "DATA-2: host name plain HTTP is redirected to (default: the address the client connected to)")
      ->check([](const std::string& v) {
        return http::ValidPublicHost(v)
                   ? std::string()
                   : "--public-host must be a host name, an IPv4 address or [IPv6], no port";
      });
  g->add_option_function<std::vector<std::string>>(
       "--trusted-proxy",
       [&c](const std::vector<std::string>& values) {
         c.http.trusted_proxies.clear();
         for (const auto& v : values) {
           auto n = ParseNetwork(v, "--trusted-proxy");
           if (!n) throw CLI::ValidationError("--trusted-proxy", n.error().message);
           c.http.trusted_proxies.push_back(*n);
         }
       },
       "SEC-4: a load balancer or reverse proxy (CIDR) whose Forwarded / X-Forwarded-For headers name the "
       "client; repeatable. From other peers those headers are ignored")
      ->type_name("CIDR");
  AddDuration(*g, "--idle-connection-timeout", c.http.idle_connection_timeout,
              "Close a keep-alive connection idle this long");
  AddDuration(*g, "--request-deadline", c.http.request_deadline,
              "Time to receive a request and send its answer");
  AddDuration(*g, "--tls-handshake-timeout", c.http.tls_handshake_timeout,
              "Time allowed for the TLS handshake");
  AddDuration(*g, "--shutdown-grace", c.http.shutdown_grace,
              "On SIGTERM, wait this long for requests in flight");
  g->add_option("--io-threads", c.io_threads, "Threads serving connections")->capture_default_str();
  g->add_option("--db-threads", c.db_threads,
                "Database worker threads (0: the cores on SQLite, twice them on PostgreSQL)")
      ->capture_default_str();
  g->add_option("--db-queue", c.db_queue, "Database jobs that may wait before 503")->capture_default_str();
  g->add_option("--hash-threads", c.hash_threads, "Password hashing threads")->capture_default_str();
  g->add_option("--hash-queue", c.hash_queue, "Password hashes that may wait before 503")
      ->capture_default_str();
  g->add_option("--hash-queue-per-address", c.hashing_admission.max_per_address,
                "SEC-1: password checks one source address may have queued at once (more: 429)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();

  auto* s = app.add_option_group("Sessions and login");
  s->add_flag("--require-totp-for-site-admins", c.session.require_totp_for_site_admins,
              "SEC-9: site administrators must set up a TOTP second factor (at their next login)");
  AddDuration(*s, "--session-idle-timeout", c.session.idle_timeout,
              "SEC-3: end a session after no operation for");
  AddDuration(*s, "--session-lifetime", c.session.absolute_lifetime, "End any session after");
  AddDuration(*s, "--session-activity-write-interval", c.session.activity_write_interval,
              "Write a session's last-activity time at most this often");
  s->add_option("--lockout-failures", c.lockout.max_failures,
                "SEC-1: consecutive failures that lock an account")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  AddDuration(*s, "--lockout-duration", c.lockout.lock_duration,
              "SEC-1: how long a locked account stays locked");
  s->add_option("--login-ip-max-failures", c.login_throttle.max_failures_per_address,
                "Failed logins one source address may make per window")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  AddDuration(*s, "--login-ip-window", c.login_throttle.window, "Window of --login-ip-max-failures");
  AddDuration(*s, "--temporary-password-lifetime", c.temporary_password.lifetime,
              "A temporary password from an administrator's reset works this long");
  auto* a = app.add_option_group("Operation history");
  AddDuration(*a, "--audit-retention", c.audit_retention, "SEC-6: keep records this long (kanri jobs run)");
  AddDuration(*a, "--audit-checkpoint-interval", c.audit_checkpoint_interval,
              "SEC-6: sign the head of every history chain this often");
  AddDuration(*a, "--anonymous-denial-window", c.anonymous_denials.window,
              "SEC-6: requests refused without a session are recorded as one count per address per");
  a->get_option("--anonymous-denial-window")->check([](const std::string& v) -> std::string {
    try {
      return ParseDuration(v) >= std::chrono::seconds{1} ? "" : "must be at least 1s";
    } catch (const std::invalid_argument&) {
      return "";  // the option's own parser names the accepted forms
    }
  });
  AddDuration(*a, "--audit-probe-interval", c.audit_probe_interval,
              "SEC-6: while the history cannot store records (writes refused), try it again this often");
  auto* d = app.add_option_group("Devices");
  AddDuration(*d, "--connection-request-timeout", c.connection_request.timeout,
              "DEV-4: give up a connection request (both exchanges) after");
  d->add_option("--connection-request-max-concurrent", c.connection_request.max_concurrent,
                "DEV-4: connection requests in flight; more fail at once as busy")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  d->add_option("--connection-request-allowed-networks", c.connection_request.allowed_networks,
                "DEV-4: CIDRs (comma-separated) and `public` that connection requests may reach; loopback, "
                "link-local, metadata and multicast are always refused")
      ->delimiter(',')
      ->check([](const std::string& v) {
        auto p = AddressPolicy::Make({v}, false);
        return p ? std::string() : p.error().message;
      })
      ->capture_default_str();
  d->add_option("--connection-request-allow", c.connection_request.allowed_private,
                "DEV-4: a private CIDR (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, ...) connection "
                "requests may reach; repeatable. Private ranges are refused unless listed here")
      ->check([](const std::string& v) {
        auto n = ParseNetwork(v, "--connection-request-allow");
        return n ? std::string() : n.error().message;
      });
  d->add_option("--connection-request-max-concurrent-per-company",
                c.connection_request.max_concurrent_per_company,
                "DEV-4: connection requests one company may have in flight (its fair share)")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  d->add_flag("--connection-request-allow-loopback", c.connection_request.allow_loopback,
              "DEV-4: also allow loopback addresses (labs and tests only; webhooks as well)");
  AddDuration(*d, "--remote-login-lifetime", c.remote_login_lifetime,
              "DEV-5: end a remote login (remove its one-time user from the device) after");
  d->add_option("--cwmp-max-unauthenticated-body-bytes", c.cwmp.max_unauthenticated_body_bytes,
                "OPS-4: largest CWMP message from a device without a session (its first Inform)")
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 30))
      ->capture_default_str();
  d->add_option("--cwmp-read-batch", c.task_flow.read_batch,
                "DEV-2: parameter names per GetParameterValues of the full read after onboarding")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000}))
      ->capture_default_str();
  d->add_option("--task-retries", c.task_flow.retries,
                "DEV-8: times a task that failed for a passing reason (CPE fault 9002 or 9004, a broken "
                "session) is tried again, each retry waiting 4 times longer than the one before; 0: never")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  AddDuration(*d, "--task-retry-delay", c.task_flow.retry_delay,
              "DEV-8: wait before a task's first automatic retry");
  d->add_option("--firmware-max-bytes", c.firmware_max_bytes, "DEV-6: largest firmware upload")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  d->add_option("--max-profiles-per-company", c.max_profiles_per_company,
                "DEV-1: profiles a company may have")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
      ->capture_default_str();
  d->add_option("--firmware-storage-per-company-bytes", c.firmware_storage.max_bytes_per_company,
                "DEV-6: firmware one company may keep in total; an upload past it is refused (422)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 50))
      ->capture_default_str();
  auto* m = app.add_option_group("Mail and jobs");
  m->add_option(
      "--smtp-url", c.smtp.url,
      "SMTP server for mail: smtp://HOST:PORT (STARTTLS required) or smtps://HOST:PORT; without it mail "
      "waits in the outbox");
  m->add_option("--smtp-user", c.smtp.user, "SMTP AUTH user");
  m->add_option("--smtp-password-file", c.smtp_password_file, "File holding the SMTP AUTH password");
  m->add_flag("--smtp-insecure", c.smtp.insecure,
              "Allow smtp:// without STARTTLS (a relay on this host only)");
  m->add_option("--smtp-ca-file", c.smtp.ca_file, "Trust these CA certificates (PEM) for the SMTP server");
  m->add_option("--mail-from", c.smtp.from, "Sender address of Kanri's mail")->capture_default_str();
  m->add_option("--mail-domain", c.mail_domain, "Domain of Message-IDs (default: that of --mail-from)");
  AddDuration(*m, "--smtp-timeout", c.smtp.timeout, "Give up one SMTP conversation after");
  AddDuration(*m, "--mail-interval", c.mail_interval, "Deliver the outbox this often");
  AddDuration(*m, "--mail-retention", c.mail_retention, "Delete sent and failed mail older than");
  AddDuration(*m, "--job-tick", c.job_tick, "Look for due jobs this often");
  AddDuration(*m, "--webhook-interval", c.webhook_interval, "SEC-9: send due webhook deliveries this often");
  m->add_option(
      "--webhook-ca-file", c.webhook_ca_file,
      "SEC-9: trust these CA certificates (PEM) for webhook receivers instead of the system's; their "
      "addresses follow the --connection-request-* address policy");
  AddDuration(*m, "--inactivity-reminder", c.inactivity.reminder_after,
              "SEC-7: remind an account by mail after no login for");
  AddDuration(*m, "--inactivity-lock", c.inactivity.lock_after,
              "SEC-7: lock it for inactivity this long after the reminder");
  AddDuration(*m, "--inactivity-delete", c.inactivity.delete_after,
              "SEC-7: delete a general account this long after its inactivity lock");
  AddDuration(*m, "--device-retention", c.device_retention,
              "DATA-5: delete a device (and its data) that has not contacted the service for");
  AddDuration(*m, "--contract-end-grace", c.contract_end_grace,
              "DATA-6: after a contract's last day, delete the company's accounts at a third of this, its "
              "configuration at two thirds and the company at the end");
  m->add_option("--backup-time", c.backup_time, "DATA-4: the daily backup's time, HH:MM JST")
      ->check([](const std::string& v) {
        return ParseTimeOfDay(v) ? std::string() : "--backup-time must be HH:MM (00:00 to 23:59)";
      })
      ->capture_default_str();
  AddDuration(*m, "--backup-retention", c.backup_retention, "DATA-4: delete backups older than");
  m->add_option("--backup-dir", c.backup_dir, "DATA-4: where backups go (default <data-dir>/backups)");
  m->add_option("--data-residency", c.data_residency,
                "DATA-7: where customer data is stored (country or region), shown to companies")
      ->check([](const std::string& v) {
        return !v.empty() && v.size() <= 64 && v.find_first_of("\r\n") == std::string::npos
                   ? std::string()
                   : "--data-residency is a short name such as JP";
      })
      ->capture_default_str();
  m->add_option("--closed-days", c.closed_days,
                "OPS-1: the provider's closing days, not business days: MM-DD..MM-DD ranges, comma-separated "
                "(\"\" for none)")
      ->check([](const std::string& v) {
        auto parsed = ops::BusinessCalendar::Parse(v);
        return parsed ? std::string() : "--closed-days: " + parsed.error().message;
      })
      ->capture_default_str();
  AddDuration(*m, "--health-interval", c.health_interval,
              "OPS-2: run the service's health checks this often");
  AddDuration(*m, "--health-alarm-after", c.health_alarm_after,
              "OPS-2: a health check failing this long alarms the site administrators and opens a draft "
              "incident");
  m->add_option("--health-min-free-mib", c.health_min_free_mib,
                "OPS-2: the disk check fails when the data dir's file system has less free space (MiB)")
      ->capture_default_str();
  AddDuration(*m, "--login-alarm-window", c.login_alarms.window,
              "SEC-2: window of the login alarm thresholds");
  m->add_option("--login-alarm-account", c.login_alarms.per_account,
                "SEC-2: failed logins of one account per window that raise an alarm")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  m->add_option("--login-alarm-address", c.login_alarms.per_address,
                "SEC-2: failed logins from one address per window that raise an alarm")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  m->add_option("--login-alarm-service", c.login_alarms.service_wide,
                "SEC-2: failed logins service-wide per window that raise an alarm")
      ->check(CLI::Range(1, 100'000'000))
      ->capture_default_str();
  s->add_option("--argon2-ops", c.password_hash.ops_limit, "argon2id iterations (t)")
      ->check(CLI::Range(2, 100))
      ->capture_default_str();
  s->add_option("--argon2-memory-bytes", c.password_hash.mem_limit_bytes, "argon2id memory (m)")
      ->check(CLI::Range(std::size_t{19} * 1024 * 1024, std::size_t{4} * 1024 * 1024 * 1024))
      ->capture_default_str();
}

std::string ConfigTemplate(const CLI::App& app) {
  std::string out =
      "# Kanri's configuration, a TOML file for `kanri ... --config FILE`: every option of `kanri` with\n"
      "# its default, commented out. A key is the command-line flag without its dashes; remove the \"#\"\n"
      "# to set one. A flag given on the command line wins over this file.\n"
      "# Written by `kanri config-template` from the options of the binary itself.\n";
  auto append = [&](const CLI::App& owner, const std::string& title) {
    out += "\n# --- " + title + " ---\n";
    for (const CLI::Option* option : owner.get_options()) {
      if (!option->get_configurable() || option->get_lnames().empty() || option == app.get_help_ptr() ||
          option == app.get_config_ptr())
        continue;
      out += "\n";
      AppendComment(out, option->get_description());
      out +=
          (option->count() > 0 ? "" : "#") + option->get_lnames().front() + " = " + TomlValue(*option) + "\n";
    }
  };
  append(app, "General");
  for (const CLI::App* group :
       app.get_subcommands([](const CLI::App* sub) { return sub->get_name().empty(); }))
    append(*group, group->get_group());
  return out;
}

}  // namespace kanri::app
