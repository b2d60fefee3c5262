#include "db/migrations.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/crypto.h"

namespace kanri::db {
namespace {

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() / ("kanri-migrations-" + RandomToken(6));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Database> Open() {
    return Database::Open({.url = "sqlite://" + (dir_ / "t.db").string(), .pool_size = 2});
  }

  std::filesystem::path dir_;
  ManualClock clock_{FromUnixMillis(1'700'000'000'000)};
};

TEST_F(MigrationsTest, AppliesEmbeddedOnceAndRecordsChecksums) {
  auto db = Open();
  auto migrations = EmbeddedMigrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations.front().name, "0001_foundation");
  auto applied = ApplyMigrations(*db, migrations, clock_);
  EXPECT_EQ(applied.size(), migrations.size());
  EXPECT_TRUE(ApplyMigrations(*db, migrations, clock_).empty());

  auto lease = db->Acquire();
  std::string checksum;
  lease.sql() << "SELECT checksum FROM schema_migrations WHERE version = 1", soci::into(checksum);
  EXPECT_EQ(checksum, migrations.front().checksum);
  int n = -1;
  lease.sql() << "SELECT COUNT(*) FROM companies", soci::into(n);
  EXPECT_EQ(n, 0);
}

TEST_F(MigrationsTest, EditedAppliedMigrationStopsWithClearMessage) {
  auto db = Open();
  auto migrations = EmbeddedMigrations();
  (void)ApplyMigrations(*db, migrations, clock_);
  std::string edited = std::string(migrations.front().sql) + "\n-- edited\n";
  migrations.front().sql = edited;
  migrations.front().checksum = Sha256Hex(edited);
  try {
    (void)ApplyMigrations(*db, migrations, clock_);
    FAIL() << "expected MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("0001_foundation was changed after it was applied"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(MigrationsTest, DatabaseFromNewerBinaryStops) {
  auto db = Open();
  auto migrations = EmbeddedMigrations();
  (void)ApplyMigrations(*db, migrations, clock_);
  {
    auto lease = db->Acquire();
    lease.sql()
        << "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'x', 'y', 0)";
  }
  EXPECT_THROW((void)ApplyMigrations(*db, migrations, clock_), MigrationError);
}

TEST(SplitStatements, IgnoresCommentsAndSplitsAtLineEndSemicolons) {
  auto s = SplitStatements("-- c\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX i\n  ON a (x);\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], "CREATE TABLE a (x TEXT)");
  EXPECT_EQ(s[1], "CREATE INDEX i\n  ON a (x)");
}

TEST(DatabaseUrl, AcceptsSqliteAndPostgresql) {
  EXPECT_EQ(ParseDatabaseUrl("sqlite:///var/lib/k.db").connect, "/var/lib/k.db");
  EXPECT_EQ(ParseDatabaseUrl("sqlite://data/k.db").connect, "data/k.db");
  EXPECT_EQ(ParseDatabaseUrl("postgresql://u:p@h/db").backend, Backend::kPostgresql);
  // libpq keywords, percent-decoded and quoted (SOCI 4.0 mangles a bare URI).
  EXPECT_EQ(ParseDatabaseUrl("postgresql://kanri:p%27w@db.example:5433/kanri?sslmode=require").connect,
            "host='db.example' port='5433' user='kanri' password='p\\'w' dbname='kanri' sslmode='require'");
  EXPECT_THROW(ParseDatabaseUrl("mysql://x"), std::invalid_argument);
}

}  // namespace
}  // namespace kanri::db
