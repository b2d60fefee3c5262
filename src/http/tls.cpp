#include "http/tls.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace kanri::http {
namespace {

constexpr long kSelfSignedValidityDays = 825;  // the longest validity browsers accept

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error("TLS: " + what);
}

void GenerateSelfSigned(const std::filesystem::path& cert_path, const std::filesystem::path& key_path) {
  PkeyPtr key{EVP_EC_gen("P-256")};
  if (!key) Fail("could not generate an ECDSA P-256 key");
  X509Ptr cert{X509_new()};
  X509_set_version(cert.get(), 2);
  unsigned char serial_bytes[16];
  RAND_bytes(serial_bytes, sizeof serial_bytes);
  serial_bytes[0] &= 0x7f;
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kSelfSignedValidityDays * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Kanri"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] :
       {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
        std::pair{NID_basic_constraints, "critical,CA:FALSE"}, std::pair{NID_ext_key_usage, "serverAuth"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    if (!ext) Fail("could not build certificate extension");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) Fail("could not sign the certificate");

  std::filesystem::create_directories(key_path.parent_path());
  // The key is written readable by its owner only.
  const mode_t old_mask = umask(077);
  FilePtr kf{std::fopen(key_path.c_str(), "wb")};
  umask(old_mask);
  if (!kf || !PEM_write_PrivateKey(kf.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    Fail("could not write " + key_path.string());
  FilePtr cf{std::fopen(cert_path.c_str(), "wb")};
  if (!cf || !PEM_write_X509(cf.get(), cert.get())) Fail("could not write " + cert_path.string());
}

}  // namespace

std::string CertificateFingerprint(const std::filesystem::path& pem) {
  FilePtr f{std::fopen(pem.c_str(), "rb")};
  if (!f) Fail("cannot read " + pem.string());
  X509Ptr cert{PEM_read_X509(f.get(), nullptr, nullptr, nullptr)};
  if (!cert) Fail(pem.string() + " holds no PEM certificate");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert.get(), EVP_sha256(), md, &len);
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += fmt::format("{}{:02X}", i ? ":" : "", md[i]);
  return out;
}

TlsFiles EnsureCertificate(const std::filesystem::path& data_dir, const std::string& cert_path,
                           const std::string& key_path) {
  TlsFiles files;
  if (!cert_path.empty() || !key_path.empty()) {
    if (cert_path.empty() || key_path.empty()) Fail("set both tls-cert and tls-key, or neither");
    files.certificate = cert_path;
    files.private_key = key_path;
  } else {
    files.certificate = data_dir / "tls" / "server.crt";
    files.private_key = data_dir / "tls" / "server.key";
    if (!std::filesystem::exists(files.certificate) || !std::filesystem::exists(files.private_key)) {
      GenerateSelfSigned(files.certificate, files.private_key);
      files.generated = true;
    }
  }
  files.fingerprint_sha256 = CertificateFingerprint(files.certificate);
  return files;
}

boost::asio::ssl::context MakeServerContext(const TlsFiles& files) {
  namespace ssl = boost::asio::ssl;
  ssl::context ctx{ssl::context::tls_server};
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use |
                  SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(ctx.native_handle(),
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  try {
    ctx.use_certificate_chain_file(files.certificate.string());
    ctx.use_private_key_file(files.private_key.string(), ssl::context::pem);
  } catch (const std::exception& e) {
    Fail("cannot load " + files.certificate.string() + " / " + files.private_key.string() + ": " + e.what());
  }
  return ctx;
}

}  // namespace kanri::http
