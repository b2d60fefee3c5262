// TLS for every interface (DATA-2): TLS 1.2 or later only, forward-secret AEAD ciphers.
// Without a configured certificate, a self-signed ECDSA P-256 one is generated on first
// start in <data-dir>/tls/ and its SHA-256 fingerprint printed, so that operators can pin it.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <string>

namespace kanri::http {

struct TlsFiles {
  std::filesystem::path certificate;  // PEM, may hold a chain
  std::filesystem::path private_key;  // PEM
  bool generated = false;             // created now by EnsureCertificate
  std::string fingerprint_sha256;     // "AB:CD:…" of the leaf certificate
};

// Uses the given files when both are set; otherwise <data_dir>/tls/server.{crt,key},
// generating them if missing. Throws std::runtime_error with a clear message.
TlsFiles EnsureCertificate(const std::filesystem::path& data_dir, const std::string& cert_path,
                           const std::string& key_path);

boost::asio::ssl::context MakeServerContext(const TlsFiles& files);

// SHA-256 fingerprint of the first certificate in a PEM file, as colon-separated hex pairs.
std::string CertificateFingerprint(const std::filesystem::path& pem);

}  // namespace kanri::http
