// DEV-6 over the real binary: firmware images are uploaded as streamed bodies (past the 1 MiB
// limit of other requests), listed, read and deleted; permissions follow the built-in roles
// (SEC-5) and another company's image is indistinguishable from a missing one (SEC-8).
#include <openssl/evp.h>

#include <filesystem>

#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

namespace fs = std::filesystem;

const Headers kOctets = {{"Content-Type", "application/octet-stream"}};
constexpr char kUploadPath[] =
    "/api/v1/firmware?name=fw.bin&version=2.1.0&product_class=IGD&models=X1,%20X1e&hardware_versions=A";

std::string Sha256Hex(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 15];
  }
  return hex;
}

std::string Image(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

std::size_t FilesIn(const fs::path& dir) {
  if (!fs::exists(dir)) return 0;
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

class Firmware : public TenantTest {
 protected:
  fs::path FirmwareDir() { return fs::path(server().data_dir()) / "firmware"; }
  fs::path UploadDir() { return fs::path(server().data_dir()) / "uploads"; }
  // A general account of ACME holding one built-in role.
  std::unique_ptr<HttpsClient> WithRole(const std::string& login, const std::string& role) {
    auto account = CreateAccount(admin_a(), login, "general", kAdminPassword);
    auto patch =
        admin_a().Patch("/api/v1/accounts/" + Str(account, "id"), R"({"roles":[")" + role + R"("]})");
    if (patch.status != 200) throw std::runtime_error("roles: " + patch.Describe());
    return LoginAs(kCompanyACode, login, kAdminPassword);
  }
};

TEST_F(Firmware, DEV_6_UploadListGetDelete) {
  const std::string image = Image(100'000);
  auto up = admin_a().Post(kUploadPath, image, kOctets);
  ASSERT_EQ(up.status, 201) << up.Describe();
  const auto& f = up.Json();
  const std::string id = Str(f, "id");
  EXPECT_EQ(Str(f, "name"), "fw.bin");
  EXPECT_EQ(Str(f, "version"), "2.1.0");
  EXPECT_EQ(Str(f, "product_class"), "IGD");
  EXPECT_EQ(json::serialize(Member(f, "models")), R"(["X1","X1e"])");
  EXPECT_EQ(json::serialize(Member(f, "hardware_versions")), R"(["A"])");
  EXPECT_EQ(Member(f, "size").to_number<std::int64_t>(), 100'000);
  EXPECT_EQ(Str(f, "sha256"), Sha256Hex(image));
  EXPECT_EQ(Str(Member(f, "created_by"), "login"), kAdminALogin);
  EXPECT_NE(Str(f, "created_at_jst").find("JST"), std::string::npos);
  EXPECT_EQ(up.Header("Location"), "/api/v1/firmware/" + id);
  EXPECT_EQ(fs::file_size(FirmwareDir() / id), 100'000u);
  EXPECT_EQ(fs::status(FirmwareDir() / id).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(FilesIn(UploadDir()), 0u);

  auto items = ListAll(admin_a(), "/api/v1/firmware", 1);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(Str(items[0], "id"), id);
  auto one = admin_a().Get("/api/v1/firmware/" + id);
  ASSERT_EQ(one.status, 200) << one.Describe();
  EXPECT_EQ(Str(one.Json(), "sha256"), Sha256Hex(image));

  ASSERT_EQ(admin_a().Delete("/api/v1/firmware/" + id).status, 204);
  EXPECT_EQ(admin_a().Get("/api/v1/firmware/" + id).status, 404);
  EXPECT_FALSE(fs::exists(FirmwareDir() / id));
}

TEST_F(Firmware, DEV_6_LargeUploadStreamsPastTheRequestBodyLimit) {
  // 20 MiB while every other request stays within max_body_bytes (1 MiB by default).
  const std::string image = Image(20 * 1024 * 1024);
  auto up = admin_a().Post(kUploadPath, image, kOctets);
  ASSERT_EQ(up.status, 201) << up.Describe();
  EXPECT_EQ(Str(up.Json(), "sha256"), Sha256Hex(image));
  EXPECT_EQ(fs::file_size(FirmwareDir() / Str(up.Json(), "id")), image.size());
  // A JSON route still refuses a body over 1 MiB.
  auto big_json = admin_a().Post("/api/v1/roles", std::string(2 * 1024 * 1024, ' '));
  EXPECT_EQ(big_json.status, 413) << big_json.Describe();
}

TEST_F(Firmware, DEV_6_BadMetadataOrEmptyImageStoresNothing) {
  for (const char* target :
       {"/api/v1/firmware?version=1", "/api/v1/firmware?name=a",
        "/api/v1/firmware?name=a&version=1&colour=red", "/api/v1/firmware?name=a&version=1&models=X,X",
        "/api/v1/firmware?name=a&version=1&model=X1"}) {
    auto r = admin_a().Post(target, "abc", kOctets);
    EXPECT_EQ(r.status, 400) << target << " " << r.Describe();
  }
  EXPECT_EQ(admin_a().Post(kUploadPath, "", kOctets).status, 400);
  EXPECT_EQ(admin_a().Post(kUploadPath, "abc", {{"Content-Type", "application/json"}}).status, 415);
  EXPECT_TRUE(ListAll(admin_a(), "/api/v1/firmware").empty());
  EXPECT_EQ(FilesIn(FirmwareDir()), 0u);
  EXPECT_EQ(FilesIn(UploadDir()), 0u);
}

TEST_F(Firmware, SEC_5_PermissionsFollowTheBuiltInRoles) {
  auto viewer = WithRole("vera", "builtin.viewer");
  auto operator_ = WithRole("otto", "builtin.operator");
  auto nobody =
      LoginAs(kCompanyACode, Str(CreateAccount(admin_a(), "nina", "general", kAdminPassword), "login"),
              kAdminPassword);

  auto up = operator_->Post(kUploadPath, "image", kOctets);
  ASSERT_EQ(up.status, 201) << up.Describe();
  const std::string id = Str(up.Json(), "id");
  EXPECT_EQ(viewer->Get("/api/v1/firmware").status, 200);
  EXPECT_EQ(viewer->Get("/api/v1/firmware/" + id).status, 200);
  EXPECT_EQ(viewer->Post(kUploadPath, "image", kOctets).status, 403);
  EXPECT_EQ(viewer->Delete("/api/v1/firmware/" + id).status, 403);
  EXPECT_EQ(nobody->Get("/api/v1/firmware").status, 403);
  // A large upload without the permission is refused too, and never spooled to disk.
  auto big = viewer->Post(kUploadPath, Image(3 * 1024 * 1024), kOctets);
  EXPECT_TRUE(big.status == 403 || big.status == 413) << big.Describe();
  EXPECT_EQ(FilesIn(UploadDir()), 0u);
  EXPECT_EQ(operator_->Delete("/api/v1/firmware/" + id).status, 204);
  EXPECT_EQ(ListAll(admin_a(), "/api/v1/firmware").size(), 0u);
}

TEST_F(Firmware, SEC_8_AnotherCompanysFirmwareIsNotFound) {
  auto up = admin_a().Post(kUploadPath, "image", kOctets);
  ASSERT_EQ(up.status, 201);
  const std::string id = Str(up.Json(), "id");
  auto beta = CreateCompany("BETA", "Beta");
  CreateCompanyAdmin(Str(beta, "id"), "bob", kAdminPassword);
  auto bob = LoginAs("BETA", "bob", kAdminPassword);

  auto missing = bob->Get("/api/v1/firmware/aaaaaaaaaaaaaaaaaaaaaaaaaa");
  auto foreign = bob->Get("/api/v1/firmware/" + id);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.body, missing.body);
  auto foreign_delete = bob->Delete("/api/v1/firmware/" + id);
  EXPECT_EQ(foreign_delete.status, 404);
  EXPECT_EQ(foreign_delete.body, bob->Delete("/api/v1/firmware/aaaaaaaaaaaaaaaaaaaaaaaaaa").body);
  EXPECT_TRUE(ListAll(*bob, "/api/v1/firmware").empty());
  EXPECT_EQ(admin_a().Get("/api/v1/firmware/" + id).status, 200);
}

class SmallFirmwareLimit : public TenantTest {
 protected:
  SmallFirmwareLimit() : TenantTest({"--firmware-max-bytes", "65536"}) {}
};

TEST_F(SmallFirmwareLimit, DEV_6_UploadOverTheLimitIs413AndStoresNothing) {
  auto over = admin_a().Post(kUploadPath, Image(65537), kOctets);
  EXPECT_EQ(over.status, 413) << over.Describe();
  EXPECT_EQ(ProblemCode(over), "body_too_large");
  auto ok = admin_a().Post(kUploadPath, Image(65536), kOctets);
  EXPECT_EQ(ok.status, 201) << ok.Describe();
  EXPECT_EQ(ListAll(admin_a(), "/api/v1/firmware").size(), 1u);
  const fs::path data(server().data_dir());
  EXPECT_EQ(FilesIn(data / "uploads"), 0u);
  EXPECT_EQ(FilesIn(data / "firmware"), 1u);
}

class FirmwareStorageLimit : public TenantTest {
 protected:
  FirmwareStorageLimit() : TenantTest({"--firmware-storage-per-company-bytes", "100000"}) {}
};

TEST_F(FirmwareStorageLimit, DEV_6_UploadPastTheCompanyStorageLimitIs422AndStoresNothing) {
  auto first = admin_a().Post(kUploadPath, Image(60000), kOctets);
  ASSERT_EQ(first.status, 201) << first.Describe();
  auto over = admin_a().Post(kUploadPath, Image(60000), kOctets);
  EXPECT_EQ(over.status, 422) << over.Describe();
  EXPECT_EQ(ProblemCode(over), "firmware_storage_limit_exceeded");
  EXPECT_NE(over.body.find("100000"), std::string::npos) << "the answer names the limit: " << over.body;
  EXPECT_EQ(ListAll(admin_a(), "/api/v1/firmware").size(), 1u);
  const fs::path data(server().data_dir());
  EXPECT_EQ(FilesIn(data / "uploads"), 0u) << "the partial file is removed";
  EXPECT_EQ(FilesIn(data / "firmware"), 1u);

  // The limit is each company's own.
  auto globex = CreateCompany("GLOBEX", "Globex");
  (void)CreateCompanyAdmin(Str(globex, "id"), "gina", kAdminPassword);
  auto gina = LoginAs("GLOBEX", "gina", kAdminPassword);
  EXPECT_EQ(gina->Post(kUploadPath, Image(60000), kOctets).status, 201);
  // Space freed is space again.
  ASSERT_EQ(admin_a().Delete("/api/v1/firmware/" + Str(first.Json(), "id")).status, 204);
  EXPECT_EQ(admin_a().Post(kUploadPath, Image(60000), kOctets).status, 201);
}

}  // namespace
}  // namespace kanri::testing
