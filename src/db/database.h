// The database: a pool of SOCI sessions over SQLite (the embedded default) or PostgreSQL,
// chosen by URL. Every query goes through here; write portable SQL only (no SQLite-only
// syntax), since the same code path serves both backends.
//
//   Database db = Database::Open({.url = "sqlite:///var/lib/kanri/kanri.db", .pool_size = 4});
//   auto lease = db.Acquire();                 // a pooled connection, returned on scope exit
//   lease.sql() << "SELECT 1";
//   Database::WriteTransaction tx(lease);      // BEGIN IMMEDIATE on SQLite, BEGIN on PostgreSQL
//   ...; tx.Commit();
//
// All calls block: call them from a worker thread (db/worker_pool.h), never an I/O thread.
#pragma once

#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/time.h"

namespace kanri::db {

enum class Backend { kSqlite, kPostgresql };

struct DatabaseSettings {
  // "sqlite:///abs/path.db", "sqlite://relative.db", or "postgresql://user:pw@host/db".
  std::string url;
  std::size_t pool_size = 8;
  // How long a SQLite writer waits for the write lock before failing.
  std::chrono::milliseconds sqlite_busy_timeout{10'000};
};

struct ParsedUrl {
  Backend backend;
  std::string connect;  // SOCI connect string
};
// Throws std::invalid_argument with a message naming the accepted forms.
ParsedUrl ParseDatabaseUrl(const std::string& url);

class Database;

// A statement prepared once on one pooled connection and kept with it (see Lease::Cached).
class CachedStatement {
 public:
  virtual ~CachedStatement() = default;
};

// A connection borrowed from the pool for the lifetime of this object.
class Lease {
 public:
  explicit Lease(Database& db);
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  soci::session& sql() { return *session_; }
  Backend backend() const { return backend_; }
  Database& database() { return db_; }

  // For hot queries: the statement `key` of this connection, prepared by `make` on first use
  // and reused afterwards, so its SQL is parsed once per connection instead of once per call.
  // T derives from CachedStatement and binds its own members.
  template <typename T>
  T& Cached(const std::string& key, const std::function<std::unique_ptr<T>(soci::session&)>& make);

 private:
  Database& db_;
  std::size_t position_;
  soci::session* session_;
  Backend backend_;
};

// A write transaction. SQLite takes the write lock up front (BEGIN IMMEDIATE) so that two
// transactions cannot deadlock upgrading their read locks. Rolls back unless committed.
//
// On SQLite, writers of this process also queue on a mutex before BEGIN IMMEDIATE: SQLite's
// own busy handler sleeps and polls (up to 100 ms a turn), which under many concurrent
// writers costs far more than the writes. The wait is bounded by the busy timeout, after
// which SQLite's handler takes over as before (so a nested writer cannot hang).
class WriteTransaction {
 public:
  explicit WriteTransaction(Lease& lease);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void Commit();

 private:
  Lease& lease_;
  std::unique_lock<std::timed_mutex> writer_;
  bool done_ = false;
};

class Database {
 public:
  static std::unique_ptr<Database> Open(const DatabaseSettings& settings);

  Lease Acquire() { return Lease{*this}; }
  Backend backend() const { return backend_; }
  soci::connection_pool& pool() { return pool_; }
  // True when a trivial query succeeds (GET /readyz).
  bool Ping();
  // Write transactions begun so far: tests check that a path takes none.
  std::uint64_t write_transactions() const { return write_transactions_.load(std::memory_order_relaxed); }

 private:
  friend class Lease;
  friend class WriteTransaction;
  std::atomic<std::uint64_t> write_transactions_{0};
  std::timed_mutex sqlite_writer_;
  std::chrono::milliseconds busy_timeout_{10'000};
  Database(std::size_t pool_size, Backend backend)
      : pool_(pool_size), backend_(backend), cached_(pool_size) {}
  soci::connection_pool pool_;
  Backend backend_;
  // Per pooled connection; only the lease holding that connection touches its map.
  std::vector<std::unordered_map<std::string, std::unique_ptr<CachedStatement>>> cached_;
};

template <typename T>
T& Lease::Cached(const std::string& key, const std::function<std::unique_ptr<T>(soci::session&)>& make) {
  auto& slot = db_.cached_[position_][key];
  if (!slot) slot = make(*session_);
  return static_cast<T&>(*slot);
}

// Ends the read a cached statement left open after fetching its row, so that the connection
// holds no snapshot between requests (SQLite keeps one until the statement is reset).
void FinishRead(Backend backend, soci::statement& st);

// An integer column of a row, whatever type the engine reports for it (SQLite gives no type to
// an expression such as COUNT(*); PostgreSQL's BIGINT and INTEGER differ).
long long RowInteger(const soci::row& r, std::size_t i);
// A time column (UTC milliseconds) that may be NULL.
std::optional<Timestamp> RowTime(const soci::row& r, std::size_t i);

// Number of rows the last execution of `st` touched.
long long AffectedRows(soci::statement& st);

}  // namespace kanri::db

// SOCI 4.0 has no std::optional conversion: NULL <-> nullopt.
namespace soci {
template <typename T>
struct type_conversion<std::optional<T>> {
  using base_type = typename type_conversion<T>::base_type;
  static void from_base(const base_type& in, indicator ind, std::optional<T>& out) {
    if (ind == i_null) {
      out.reset();
    } else {
      T value;
      type_conversion<T>::from_base(in, ind, value);
      out = std::move(value);
    }
  }
  static void to_base(const std::optional<T>& in, base_type& out, indicator& ind) {
    if (in) {
      type_conversion<T>::to_base(*in, out, ind);
    } else {
      ind = i_null;
    }
  }
};
}  // namespace soci
