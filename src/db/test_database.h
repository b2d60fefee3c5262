// For tests: a fresh, migrated SQLite database in its own temporary directory, removed
// afterwards. Tests run against a real database file, never a mock.
#pragma once

#include <filesystem>
#include <memory>

#include "base/time.h"
#include "db/database.h"

namespace kanri::db {

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  Database& db() { return *db_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path file() const { return dir_ / "kanri.db"; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

}  // namespace kanri::db
