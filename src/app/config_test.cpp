#include "app/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace kanri::app {
namespace {

TEST(Config, DurationsReadLikeAPersonWritesThem) {
  EXPECT_EQ(ParseDuration("500ms"), Millis{500});
  EXPECT_EQ(ParseDuration("30s"), std::chrono::seconds{30});
  EXPECT_EQ(ParseDuration("60m"), std::chrono::minutes{60});
  EXPECT_EQ(ParseDuration("12h"), std::chrono::hours{12});
  EXPECT_EQ(ParseDuration("365d"), std::chrono::hours{24 * 365});
  EXPECT_THROW(ParseDuration("12"), std::invalid_argument);
  EXPECT_THROW(ParseDuration("m"), std::invalid_argument);
  EXPECT_THROW(ParseDuration("-5s"), std::invalid_argument);
}

TEST(Config, DefaultsAreTheSpecsNumbers) {
  Config c;
  EXPECT_EQ(c.lockout.max_failures, 5);                          // SEC-1
  EXPECT_EQ(c.lockout.lock_duration, std::chrono::minutes{30});  // SEC-1
  EXPECT_EQ(c.session.idle_timeout, std::chrono::minutes{60});   // SEC-3
  EXPECT_EQ(c.listen_api, "0.0.0.0:8443");
  EXPECT_EQ(c.listen_cwmp, "0.0.0.0:7547");
  EXPECT_EQ(c.DatabaseUrl(), "sqlite://./data/kanri.db");
}

TEST(Config, TomlFileAndFlagsSetTheSameSettings) {
  const auto path = std::filesystem::temp_directory_path() / "kanri-config-test.toml";
  {
    std::ofstream f(path);
    f << "listen-api = \"127.0.0.1:9443\"\nsession-idle-timeout = \"15m\"\nlockout-failures = 3\n";
  }
  CLI::App app;
  Config c;
  AddConfigOptions(app, c);
  const std::string config_arg = path.string();
  std::vector<std::string> args{"--lockout-failures", "4", "--config", config_arg};
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  app.parse(args);
  EXPECT_EQ(c.listen_api, "127.0.0.1:9443");
  EXPECT_EQ(c.session.idle_timeout, std::chrono::minutes{15});
  EXPECT_EQ(c.lockout.max_failures, 4) << "flags win over the file";
  std::filesystem::remove(path);
}

TEST(Config, UnknownKeysInTheFileAreRefused) {
  const auto path = std::filesystem::temp_directory_path() / "kanri-config-bad.toml";
  {
    std::ofstream f(path);
    f << "listen-apii = \"127.0.0.1:9443\"\n";
  }
  CLI::App app;
  Config c;
  AddConfigOptions(app, c);
  std::vector<std::string> args{path.string(), "--config"};
  EXPECT_THROW(app.parse(args), CLI::ParseError);
  std::filesystem::remove(path);
}

TEST(Config, OPS_4_LimitsBeforeLoginAreSettings) {
  CLI::App app;
  Config c;
  AddConfigOptions(app, c);
  EXPECT_EQ(c.http.max_connections_per_address, 64u);
  EXPECT_EQ(c.http.connection_reserve, 64u);
  EXPECT_EQ(c.http.first_byte_timeout, std::chrono::seconds{5});
  EXPECT_EQ(c.http.tls_handshake_timeout, std::chrono::seconds{5});
  EXPECT_EQ(c.cwmp.max_unauthenticated_body_bytes, 64u * 1024);
  EXPECT_EQ(c.http.public_host, "");
  std::vector<std::string> args{"--max-connections-per-address",
                                "8",
                                "--connection-reserve",
                                "16",
                                "--first-byte-timeout",
                                "2s",
                                "--cwmp-max-unauthenticated-body-bytes",
                                "32768",
                                "--public-host",
                                "acs.example.net"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  EXPECT_EQ(c.http.max_connections_per_address, 8u);
  EXPECT_EQ(c.http.connection_reserve, 16u);
  EXPECT_EQ(c.http.first_byte_timeout, std::chrono::seconds{2});
  EXPECT_EQ(c.cwmp.max_unauthenticated_body_bytes, 32768u);
  EXPECT_EQ(c.http.public_host, "acs.example.net");
}

TEST(Config, DATA_2_PublicHostIsAHostWithoutPortOrPath) {
  for (const std::string bad : {"acs.example.net:443", "evil.example/x", "user@evil.example", "", "[::1"}) {
    CLI::App app;
    Config c;
    AddConfigOptions(app, c);
    std::vector<std::string> args{bad, "--public-host"};
    EXPECT_THROW(app.parse(args), CLI::ParseError) << bad;
  }
  for (const std::string good : {"acs.example.net", "192.0.2.7", "[2001:db8::7]"}) {
    CLI::App app;
    Config c;
    AddConfigOptions(app, c);
    std::vector<std::string> args{good, "--public-host"};
    EXPECT_NO_THROW(app.parse(args)) << good;
  }
}

TEST(Config, SEC_4_TrustedProxiesAreRepeatableNetworks) {
  {
    CLI::App app;
    Config c;
    AddConfigOptions(app, c);
    // CLI11 takes the vector reversed: the last argument first.
    std::vector<std::string> args{"2001:db8::/64", "--trusted-proxy", "10.0.0.1", "--trusted-proxy"};
    app.parse(args);
    ASSERT_EQ(c.http.trusted_proxies.size(), 2u);
    EXPECT_EQ(c.http.trusted_proxies[0].ToString(), "10.0.0.1/32");
    EXPECT_EQ(c.http.trusted_proxies[1].ToString(), "2001:db8::/64");
  }
  for (const std::string bad : {"proxy.example", "10.0.0.0/33", ""}) {
    CLI::App app;
    Config c;
    AddConfigOptions(app, c);
    std::vector<std::string> args{bad, "--trusted-proxy"};
    EXPECT_THROW(app.parse(args), CLI::ParseError) << bad;
  }
  Config defaults;
  EXPECT_TRUE(defaults.http.trusted_proxies.empty()) << "nobody's forwarding headers count by default";
}

TEST(Config, DEV_4_ConnectionRequestSettings) {
  const auto path = std::filesystem::temp_directory_path() / "kanri-config-cr.toml";
  {
    std::ofstream f(path);
    f << "connection-request-allowed-networks = [\"100.64.0.0/10\", \"fd00::/8\"]\n"
         "connection-request-timeout = \"3s\"\n";
  }
  CLI::App app;
  Config c;
  AddConfigOptions(app, c);
  EXPECT_EQ(c.connection_request.timeout, std::chrono::seconds{10});
  EXPECT_EQ(c.connection_request.max_concurrent, 64u);
  EXPECT_FALSE(c.connection_request.allow_loopback);
  std::vector<std::string> args{"--connection-request-allow-loopback", "--connection-request-max-concurrent",
                                "8", "--config", path.string()};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  EXPECT_EQ(c.connection_request.allowed_networks, (std::vector<std::string>{"100.64.0.0/10", "fd00::/8"}));
  EXPECT_EQ(c.connection_request.timeout, std::chrono::seconds{3});
  EXPECT_EQ(c.connection_request.max_concurrent, 8u);
  EXPECT_TRUE(c.connection_request.allow_loopback);

  CLI::App flags;
  Config d;
  AddConfigOptions(flags, d);
  std::vector<std::string> list{"10.0.0.0/8,public", "--connection-request-allowed-networks"};
  flags.parse(list);
  EXPECT_EQ(d.connection_request.allowed_networks, (std::vector<std::string>{"10.0.0.0/8", "public"}));
  CLI::App bad;
  Config e;
  AddConfigOptions(bad, e);
  std::vector<std::string> wrong{"10.0.0.0/33", "--connection-request-allowed-networks"};
  EXPECT_THROW(bad.parse(wrong), CLI::ParseError);
  std::filesystem::remove(path);
}

TEST(Config, DEV_4_PrivateRangesNeedAnExplicitAllow) {
  CLI::App app;
  Config c;
  AddConfigOptions(app, c);
  EXPECT_EQ(c.connection_request.allowed_networks, std::vector<std::string>{"public"});
  EXPECT_TRUE(c.connection_request.allowed_private.empty());
  EXPECT_EQ(c.connection_request.max_concurrent_per_company, 8u);
  std::vector<std::string> args{"3",
                                "--connection-request-max-concurrent-per-company",
                                "fd00::/8",
                                "--connection-request-allow",
                                "10.20.0.0/16",
                                "--connection-request-allow"};
  app.parse(args);
  EXPECT_EQ(c.connection_request.allowed_private, (std::vector<std::string>{"10.20.0.0/16", "fd00::/8"}));
  EXPECT_EQ(c.connection_request.max_concurrent_per_company, 3u);
  for (const char* wrong : {"public", "10.0.0.0/33", "intranet"}) {
    CLI::App bad;
    Config e;
    AddConfigOptions(bad, e);
    std::vector<std::string> w{wrong, "--connection-request-allow"};
    EXPECT_THROW(bad.parse(w), CLI::ParseError) << wrong;
  }
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// OPS-4: the package's /etc/kanri/kanri.toml is this template, so it must hold every option that
// --help shows, with its default, and read back as the defaults.
TEST(Config, OPS_4_TheTemplateHasEveryOptionWithItsDefaultAndReadsBack) {
  CLI::App app;
  Config given;
  AddConfigOptions(app, given);
  std::vector<std::string> args{"/var/lib/kanri", "--data-dir"};  // CLI11 takes a reversed vector
  app.parse(args);
  const std::string text = ConfigTemplate(app);

  std::set<std::string> names;  // the options --help defines, one per line: "  --name TYPE ..."
  std::istringstream help(app.help());
  // (No std::regex: GCC 12 under ASan warns inside <regex>, and -Werror makes that fatal.)
  for (std::string line; std::getline(help, line);) {
    const auto first = line.find_first_not_of(' ');
    if (first == 0 || first == std::string::npos) continue;
    std::string_view rest = std::string_view(line).substr(first);
    if (rest.size() > 3 && rest[0] == '-' && rest[1] != '-' && rest[2] == ',') rest.remove_prefix(3);
    if (!rest.starts_with("--")) continue;
    rest.remove_prefix(2);
    const auto end = rest.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-");
    const std::string name(rest.substr(0, end));
    if (!name.empty() && name[0] != '-') names.insert(name);
  }
  for (const char* own : {"help", "config", "data-dir"}) names.erase(own);
  EXPECT_GT(names.size(), 50u);
  for (const auto& name : names) EXPECT_NE(text.find("\n#" + name + " = "), std::string::npos) << name;
  EXPECT_NE(text.find("\ndata-dir = \"/var/lib/kanri\"\n"), std::string::npos) << "the option given is set";
  for (const char* line : {"#listen-api = \"0.0.0.0:8443\"", "#session-idle-timeout = \"1h\"",
                           "#lockout-failures = 5", "#cwmp-insecure-http = false",
                           "#connection-request-allowed-networks = [\"public\"]", "#trusted-proxy = []"})
    EXPECT_NE(text.find("\n" + std::string(line) + "\n"), std::string::npos) << line << " in\n" << text;

  // Every line uncommented but those that set nothing ("" and []), read back: the defaults.
  const auto path = std::filesystem::temp_directory_path() / "kanri-config-template-test.toml";
  {
    std::ofstream out(path);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      // "#name = value" lines: an option and its default.
      const auto eq = line.find(" = ");
      if (line.size() < 2 || line[0] != '#' || eq == std::string::npos ||
          line.substr(1, eq - 1).find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") !=
              std::string::npos)
        continue;
      if (line.ends_with(" = \"\"") || line.ends_with(" = []")) continue;
      out << line.substr(1) << "\n";
    }
  }
  CLI::App again;
  Config read;
  AddConfigOptions(again, read);
  std::vector<std::string> config_args{path.string(), "--config"};
  ASSERT_NO_THROW(again.parse(config_args)) << ReadAll(path);
  const Config defaults;
  EXPECT_EQ(read.listen_api, defaults.listen_api);
  EXPECT_EQ(read.session.idle_timeout, defaults.session.idle_timeout);
  EXPECT_EQ(read.lockout.max_failures, defaults.lockout.max_failures);
  EXPECT_EQ(read.http.max_body_bytes, defaults.http.max_body_bytes);
  EXPECT_EQ(read.audit_retention, defaults.audit_retention);
  EXPECT_EQ(read.cwmp_insecure_http, defaults.cwmp_insecure_http);
  EXPECT_EQ(read.connection_request.allowed_networks, defaults.connection_request.allowed_networks);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace kanri::app
