#include "support/sqlite_file.h"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace kanri::testing {

namespace {

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, Closer>;

Db Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    throw std::runtime_error("cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

}  // namespace

void ExecSql(const std::string& db_path, const std::string& sql) {
  Db db = Open(db_path);
  char* error = nullptr;
  if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("sqlite: " + sql + ": " + message);
  }
}

std::vector<std::string> QueryColumn(const std::string& db_path, const std::string& sql) {
  Db db = Open(db_path);
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    throw std::runtime_error("sqlite: " + sql + ": " + sqlite3_errmsg(db.get()));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  std::vector<std::string> out;
  while (true) {
    int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw std::runtime_error("sqlite: " + sql + ": " + sqlite3_errmsg(db.get()));
    const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
    out.push_back(text ? reinterpret_cast<const char*>(text) : "<null>");
  }
  return out;
}

SqliteWriteLock::SqliteWriteLock(const std::string& db_path) {
  Db db = Open(db_path);
  char* error = nullptr;
  if (sqlite3_exec(db.get(), "BEGIN EXCLUSIVE", nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("sqlite: BEGIN EXCLUSIVE: " + message);
  }
  db_ = db.release();
}

SqliteWriteLock::~SqliteWriteLock() {
  Release();
}

void SqliteWriteLock::Release() {
  if (!db_) return;
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db_);
  db_ = nullptr;
}

}  // namespace kanri::testing
