#include "db/test_database.h"

#include "base/crypto.h"
#include "db/migrations.h"

namespace kanri::db {

TestDatabase::TestDatabase() {
  InitCrypto();
  dir_ = std::filesystem::temp_directory_path() / ("kanri-test-" + RandomToken(9));
  std::filesystem::create_directories(dir_);
  db_ = Database::Open({.url = "sqlite://" + file().string(), .pool_size = 4});
  SystemClock clock;
  (void)ApplyMigrations(*db_, EmbeddedMigrations(), clock);
}

TestDatabase::~TestDatabase() {
  db_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace kanri::db
