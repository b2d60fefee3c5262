// DATA-2 (encryption in transit) against the real listeners: TLS 1.2+ only, plain HTTP only
// redirects, and the self-signed certificate generated on first start.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>

#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

class Transport : public ServerTest {};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST_F(Transport, DATA_2_PlainHttpIsOnlyRedirectedToHttps) {
  const std::string port = std::to_string(server().api_port());
  for (const std::string target : {"/api/v1/session", "/healthz", "/api/v1/companies?limit=1"}) {
    std::string answer = SendRawTcp(
        "127.0.0.1", server().api_port(),
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
    std::string status = answer.substr(0, answer.find("\r\n"));
    EXPECT_TRUE(status.starts_with("HTTP/1.1 301 ") || status.starts_with("HTTP/1.1 308 ")) << answer;
    std::string headers = Lower(answer.substr(0, answer.find("\r\n\r\n") + 2));
    std::size_t at = headers.find("\r\nlocation:");
    ASSERT_NE(at, std::string::npos) << answer;
    std::size_t start = answer.find_first_not_of(' ', at + std::string_view("\r\nlocation:").size());
    std::string location = answer.substr(start, answer.find("\r\n", start) - start);
    EXPECT_EQ(location, "https://127.0.0.1:" + port + target) << answer;
  }
  // A state-changing request over plain HTTP is not served either.
  std::string body = LoginBody("", "nobody", "Wrong-pw-1234");
  std::string post =
      SendRawTcp("127.0.0.1", server().api_port(),
                 "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1:" + port +
                     "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nConnection: close\r\n\r\n" + body);
  EXPECT_TRUE(post.starts_with("HTTP/1.1 308") || post.starts_with("HTTP/1.1 301") || post.empty()) << post;
  EXPECT_EQ(post.find("login_failed"), std::string::npos) << post;
  // And HTTPS keeps working on the same port.
  EXPECT_EQ(NewClient()->Get("/healthz").status, 200);
}

TEST_F(Transport, DATA_2_TlsBelowVersion12IsRefused) {
  for (std::uint16_t port : {server().api_port(), server().cwmp_port()}) {
    const std::string which = port == server().api_port() ? "api" : "cwmp";
    for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
      HandshakeResult old = TryTlsHandshake("127.0.0.1", port, version, version);
      EXPECT_FALSE(old.ok) << which << ": TLS version 0x" << std::hex << version << " accepted ("
                           << old.version << ")";
      // The server answered the old ClientHello with a protocol_version alert (the client itself
      // can speak TLS 1.0/1.1: see TryTlsHandshake).
      EXPECT_NE(old.error.find("alert protocol version"), std::string::npos) << which << ": " << old.error;
    }
    HandshakeResult legacy_range = TryTlsHandshake("127.0.0.1", port, TLS1_VERSION, TLS1_1_VERSION);
    EXPECT_FALSE(legacy_range.ok) << which;
    // Sanity: the same client does complete a modern handshake, so the refusals are the server's.
    HandshakeResult v12 = TryTlsHandshake("127.0.0.1", port, TLS1_2_VERSION, TLS1_2_VERSION);
    EXPECT_TRUE(v12.ok) << which << ": " << v12.error;
    HandshakeResult v13 = TryTlsHandshake("127.0.0.1", port, TLS1_3_VERSION, TLS1_3_VERSION);
    EXPECT_TRUE(v13.ok) << which << ": " << v13.error;
    EXPECT_EQ(v13.version, "TLSv1.3");
  }
}

std::unique_ptr<X509, decltype(&X509_free)> LoadCertificate(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return {cert, X509_free};
}

std::string Fingerprint(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), digest, &len);
  return ColonHex(std::string_view(reinterpret_cast<const char*>(digest), len));
}

TEST_F(Transport, DATA_2_FirstStartGeneratesAnEcdsaP256CertificateAndPrintsItsFingerprint) {
  const std::string crt_path = server().data_dir() + "/tls/server.crt";
  const std::string key_path = server().data_dir() + "/tls/server.key";
  auto cert = LoadCertificate(ReadFile(crt_path));
  ASSERT_NE(cert, nullptr) << "no PEM certificate at " << crt_path;
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
  char group[64] = {};
  std::size_t group_len = 0;
  EXPECT_EQ(EVP_PKEY_get_group_name(key, group, sizeof group, &group_len), 1);
  EXPECT_EQ(std::string(group), "prime256v1");

  // The private key is readable by the owner only.
  struct stat st {};
  ASSERT_EQ(::stat(key_path.c_str(), &st), 0) << key_path;
  EXPECT_EQ(st.st_mode & 077, 0u) << "server.key mode " << std::oct << (st.st_mode & 0777);
  EXPECT_NE(ReadFile(key_path).find("PRIVATE KEY"), std::string::npos);

  const std::string fingerprint = Fingerprint(cert.get());
  auto client = NewClient();
  ASSERT_EQ(client->Get("/healthz").status, 200);
  EXPECT_EQ(client->PeerCertificateSha256(), fingerprint) << "the server presents the generated certificate";
  EXPECT_NE(server().ServerStdout().find("TLS certificate SHA-256 fingerprint: " + fingerprint),
            std::string::npos)
      << server().Logs();

  // The CWMP listener is TLS with the same certificate.
  HttpsClient cwmp{"127.0.0.1", server().cwmp_port()};
  try {
    cwmp.Get("/");
  } catch (const std::exception&) {
    // Any HTTP answer (or none) is fine here; only the handshake matters.
  }
  EXPECT_EQ(cwmp.PeerCertificateSha256(), fingerprint);

  // A restart keeps the certificate instead of generating a new one.
  ASSERT_EQ(server().Stop(), 0);
  server().Start(server_args());
  auto again = NewClient();
  ASSERT_EQ(again->Get("/healthz").status, 200);
  EXPECT_EQ(again->PeerCertificateSha256(), fingerprint);
  EXPECT_EQ(Fingerprint(LoadCertificate(ReadFile(crt_path)).get()), fingerprint);
}

}  // namespace
}  // namespace kanri::testing
