// Direct access to the server's SQLite file, for tests that inspect or tamper with what the
// server stored. Use only while the server is stopped (or for reads that tolerate WAL).
#pragma once

#include <string>
#include <vector>

struct sqlite3;

namespace kanri::testing {

// Runs `sql` (one or more statements) on the database file; throws std::runtime_error on error.
void ExecSql(const std::string& db_path, const std::string& sql);
// Runs a query and returns the first column of every row as text (NULL as "<null>").
std::vector<std::string> QueryColumn(const std::string& db_path, const std::string& sql);

// Holds the database's write lock (BEGIN EXCLUSIVE) until Release() or destruction: the server's
// writes wait out their busy timeout and fail, as when its database stops taking writes.
class SqliteWriteLock {
 public:
  explicit SqliteWriteLock(const std::string& db_path);
  ~SqliteWriteLock();
  SqliteWriteLock(const SqliteWriteLock&) = delete;
  SqliteWriteLock& operator=(const SqliteWriteLock&) = delete;
  void Release();

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace kanri::testing
