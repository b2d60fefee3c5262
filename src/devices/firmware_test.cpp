#include "devices/firmware.h"

#include <fstream>

#include "base/crypto.h"
#include "devices/devices_test_fixture.h"
#include "devices/tasks.h"

namespace kanri::devices {
namespace {

namespace fs = std::filesystem;

class FirmwareTest : public DevicesTest {
 protected:
  void SetUp() override {
    DevicesTest::SetUp();
    InitCrypto();
    dir_ = fs::temp_directory_path() / ("kanri-fw-" + HexEncode(RandomBytes(6)));
    repo_.emplace(tdb_.db(), clock_, dir_ / "firmware");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Upload(const std::string& bytes) {
    fs::path p = dir_ / ("upload-" + HexEncode(RandomBytes(4)));
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  FirmwareFile Store(const CompanyId& c, const std::string& bytes = "image-bytes") {
    auto f = repo_->Store(c, {"fw.bin", "2.1", "X1"}, Upload(bytes), bytes.size(), Sha256Hex(bytes),
                          {AccountId{"acct1"}, "alice"});
    EXPECT_TRUE(f) << f.error().message;
    return *f;
  }
  // A download task with a token, as the session engine creates it.
  std::string DownloadTask(const CompanyId& c, const FirmwareFile& f, const std::string& state = "queued") {
    auto device = Seed(c, {});
    auto t = tasks_.Create(c, device, TaskType::kDownload, "{\"file_id\":\"" + f.id.value() + "\"}",
                           {{}, "kanri"});
    EXPECT_TRUE(t) << t.error().message;
    std::string token = NewDownloadToken();
    auto lease = tdb_.db().Acquire();
    std::string hash = DownloadTokenHash(token);
    lease.sql() << "UPDATE tasks SET download_token_hash = :h, state = :s WHERE id = :id", soci::use(hash),
        soci::use(state), soci::use(t->id.value());
    return token;
  }

  fs::path dir_;
  std::optional<FirmwareRepository> repo_;
  TaskRepository tasks_{tdb_.db(), clock_};
};

TEST_F(FirmwareTest, DEV_6_StoreMovesTheFileOwnerOnlyAndRecordsIt) {
  auto f = Store(acme_, "hello firmware");
  EXPECT_EQ(f.size, 14u);
  EXPECT_EQ(f.sha256, Sha256Hex("hello firmware"));
  EXPECT_EQ(f.created_by_login, "alice");
  const fs::path stored = repo_->PathOf(f.id);
  ASSERT_TRUE(fs::exists(stored));
  EXPECT_EQ(fs::status(stored).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(dir_ / "firmware").permissions() & fs::perms::all, fs::perms::owner_all);
  auto got = repo_->Get(acme_, f.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->sha256, f.sha256);
  EXPECT_EQ(got->version, "2.1");
}

TEST_F(FirmwareTest, DEV_6_WhatTheFileIsForIsKept) {
  auto upload = Upload("image");
  auto f = repo_->Store(acme_,
                        {.name = "HG5_v2.1.bin",
                         .version = "2.1",
                         .product_class = "IGD",
                         .models = {"HG-5", "HG-5e"},
                         .hardware_versions = {"A1"}},
                        upload, 5, Sha256Hex("image"), {});
  ASSERT_TRUE(f) << f.error().message;
  auto got = repo_->Get(acme_, f->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->product_class, "IGD");
  EXPECT_EQ(got->models, (std::vector<std::string>{"HG-5", "HG-5e"}));
  EXPECT_EQ(got->hardware_versions, std::vector<std::string>{"A1"});
}

TEST(FirmwareFileName, DEV_6_VersionFromTheVendorsFileName) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"HG-5_v2.1.3.bin", "2.1.3"},
      {"fw-10_4_1-release.img", "10.4.1"},
      {"V1.0.bin", "1.0"},
      {"router-3.2.1", "3.2.1"},
      {"a-1.0-b-2.0.1.bin", "2.0.1"},
      {"firmware.bin", ""},
      {"HG5.bin", ""},
      {"abc1.2.bin", ""},
      {"x_v7.bin", ""},
      {"1.2.3.4.bin", "1.2.3.4"},
  };
  for (const auto& [name, version] : cases) EXPECT_EQ(VersionFromFileName(name), version) << name;
}

TEST_F(FirmwareTest, DEV_6_BadMetadataStoresNothing) {
  auto upload = Upload("x");
  std::vector<FirmwareMetadata> bad{
      {"", "1"}, {"a", ""}, {std::string(129, 'a'), "1"}, {"a\n", "1"}, {"a", "1\xff"}};
  bad.push_back({.name = "a", .version = "1", .product_class = ""});
  bad.push_back({.name = "a", .version = "1", .models = {"X1", "X1"}});
  bad.push_back({.name = "a", .version = "1", .models = {"X1", ""}});
  bad.push_back({.name = "a", .version = "1", .hardware_versions = {"\t"}});
  bad.push_back({.name = "a", .version = "1", .models = std::vector<std::string>(33, "X")});
  for (const FirmwareMetadata& m : bad) {
    auto r = repo_->Store(acme_, m, upload, 1, Sha256Hex("x"), {});
    EXPECT_FALSE(r);
  }
  EXPECT_TRUE(fs::exists(upload));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM firmware_files"), 0);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "firmware"), fs::directory_iterator()), 0);
}

TEST_F(FirmwareTest, SEC_8_AnotherCompanysFileIsNotFound) {
  auto f = Store(acme_);
  auto other = repo_->Get(beta_, f.id);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repo_->Delete(beta_, f.id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(repo_->List(beta_, {}).items.empty());
  EXPECT_TRUE(fs::exists(repo_->PathOf(f.id)));
}

TEST_F(FirmwareTest, DEV_6_ListIsNewestFirstAndPaginated) {
  std::vector<FirmwareFile> stored;
  for (int i = 0; i < 5; ++i) {
    stored.push_back(Store(acme_, "image" + std::to_string(i)));
    clock_.Advance(std::chrono::seconds{1});
  }
  Store(beta_);
  auto p1 = repo_->List(acme_, {.limit = 3});
  ASSERT_EQ(p1.items.size(), 3u);
  EXPECT_EQ(p1.items[0].id, stored[4].id);
  ASSERT_TRUE(p1.next_after);
  auto p2 = repo_->List(acme_, {.limit = 3, .after = p1.next_after});
  ASSERT_EQ(p2.items.size(), 2u);
  EXPECT_EQ(p2.items[1].id, stored[0].id);
  EXPECT_FALSE(p2.next_after);
}

TEST_F(FirmwareTest, DEV_6_DeleteRefusedWhileADownloadTaskIsPending) {
  auto f = Store(acme_);
  DownloadTask(acme_, f, "running");
  auto busy = repo_->Delete(acme_, f.id);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::kConflict);
  {
    auto lease = tdb_.db().Acquire();
    lease.sql() << "UPDATE tasks SET state = 'done'";
  }
  ASSERT_TRUE(repo_->Delete(acme_, f.id));
  EXPECT_FALSE(fs::exists(repo_->PathOf(f.id)));
  EXPECT_EQ(repo_->Get(acme_, f.id).error().code, ErrorCode::kNotFound);
}

TEST_F(FirmwareTest, DEV_6_DownloadTokenOpensTheFileOnlyWhileItsTaskIsPending) {
  auto f = Store(acme_, "0123456789");
  const std::string token = DownloadTask(acme_, f);
  auto d = repo_->OpenForDownloadToken(token, clock_.Now());
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->size, 10u);
  EXPECT_EQ(d->path, repo_->PathOf(f.id));
  EXPECT_EQ(d->sha256, Sha256Hex("0123456789"));
  // Who fetches it, for the operation history (SEC-6).
  EXPECT_EQ(d->company_id, acme_);
  EXPECT_EQ(d->file_id, f.id);
  EXPECT_FALSE(d->task_id.empty());
  EXPECT_FALSE(d->device_id.empty());
  EXPECT_FALSE(d->serial_number.empty());
  EXPECT_FALSE(repo_->OpenForDownloadToken(token + "x", clock_.Now()));
  EXPECT_FALSE(repo_->OpenForDownloadToken("", clock_.Now()));
  // Expired with its task.
  EXPECT_FALSE(repo_->OpenForDownloadToken(token, clock_.Now() + std::chrono::hours{24 * 8}));
  // Done tasks open nothing.
  {
    auto lease = tdb_.db().Acquire();
    lease.sql() << "UPDATE tasks SET state = 'done'";
  }
  EXPECT_FALSE(repo_->OpenForDownloadToken(token, clock_.Now()));
  EXPECT_EQ(DownloadTokenHash(token), Sha256Hex(token));
  EXPECT_NE(NewDownloadToken(), NewDownloadToken());
}

TEST_F(FirmwareTest, DEV_6_PerCompanyStorageLimitRefusesAndStoresNothing) {
  repo_.emplace(tdb_.db(), clock_, dir_ / "firmware", FirmwareStorageSettings{.max_bytes_per_company = 16});
  (void)Store(acme_, "0123456789");  // 10 of 16 bytes
  auto upload = Upload("0123456");   // 7 more: 17
  auto r = repo_->Store(acme_, {"fw.bin", "2.2"}, upload, 7, Sha256Hex("0123456"), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().field, kStorageLimitField);
  EXPECT_TRUE(fs::exists(upload)) << "left for its owner to remove";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM firmware_files"), 1);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "firmware"), fs::directory_iterator()), 1);
  // Exactly up to the limit fits; the limit is the company's, not the process's.
  EXPECT_TRUE(repo_->Store(acme_, {"fw.bin", "2.3"}, Upload("012345"), 6, Sha256Hex("012345"), {}));
  EXPECT_TRUE(repo_->Store(beta_, {"fw.bin", "1"}, Upload("0123456789"), 10, Sha256Hex("0123456789"), {}));
  // A single image larger than the whole limit is refused before anything is read.
  EXPECT_FALSE(repo_->Store(beta_, {"big", "1"}, Upload("x"), 17, Sha256Hex("x"), {}));
}

}  // namespace
}  // namespace kanri::devices
