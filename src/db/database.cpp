#include "db/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <boost/url/parse.hpp>
#include <filesystem>
#include <stdexcept>

#include "base/metrics.h"

namespace kanri::db {
namespace {

// libpq's keyword='value' form of a postgresql:// URL. SOCI 4.0 mangles a URI whose path has
// no query ("…/dbname" reaches the server as "dbname="), so the URL is taken apart here.
std::string PostgresKeywords(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw std::invalid_argument("database URL '" + url + "' is not a valid URL");
  std::string out;
  auto add = [&out](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    if (!out.empty()) out += ' ';
    out += key;
    out += "='";
    for (char c : value) {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
    out += '\'';
  };
  add("host", parsed->host());
  add("port", parsed->port());
  add("user", parsed->user());
  add("password", parsed->password());
  std::string dbname = parsed->path();
  if (!dbname.empty() && dbname.front() == '/') dbname.erase(0, 1);
  add("dbname", dbname);
  for (auto param : parsed->params()) add(param.key, param.value);
  return out;
}

}  // namespace

ParsedUrl ParseDatabaseUrl(const std::string& url) {
  auto starts = [&](std::string_view p) { return url.rfind(p, 0) == 0; };
  if (starts("postgresql://") || starts("postgres://")) return {Backend::kPostgresql, PostgresKeywords(url)};
  std::string path;
  if (starts("sqlite://")) {
    path = url.substr(9);
  } else if (starts("sqlite:")) {
    path = url.substr(7);
  } else {
    throw std::invalid_argument("unsupported database URL '" + url +
                                "': use sqlite:///absolute/path.db, sqlite://relative.db or "
                                "postgresql://user:password@host:port/dbname");
  }
  if (path.empty()) throw std::invalid_argument("database URL '" + url + "' names no file");
  return {Backend::kSqlite, path};
}

Lease::Lease(Database& db)
    : db_(db), position_(db.pool().lease()), session_(&db.pool().at(position_)), backend_(db.backend()) {}

Lease::~Lease() {
  db_.pool().give_back(position_);
}

WriteTransaction::WriteTransaction(Lease& lease) : lease_(lease) {
  lease_.database().write_transactions_.fetch_add(1, std::memory_order_relaxed);
  if (lease_.backend() == Backend::kSqlite) {
    Database& db = lease_.database();
    writer_ = std::unique_lock<std::timed_mutex>(db.sqlite_writer_, std::defer_lock);
    (void)writer_.try_lock_for(db.busy_timeout_);
    lease_.sql() << "BEGIN IMMEDIATE";
  } else {
    lease_.sql() << "BEGIN";
  }
}

WriteTransaction::~WriteTransaction() {
  if (done_) return;
  try {
    lease_.sql() << "ROLLBACK";
  } catch (...) {  // NOLINT(bugprone-empty-catch): the connection may already be gone
  }
  // writer_ unlocks after the rollback.
}

void WriteTransaction::Commit() {
  lease_.sql() << "COMMIT";
  done_ = true;
  if (writer_.owns_lock()) writer_.unlock();
}

std::unique_ptr<Database> Database::Open(const DatabaseSettings& settings) {
  ParsedUrl parsed = ParseDatabaseUrl(settings.url);
  std::unique_ptr<Database> db{new Database(settings.pool_size, parsed.backend)};
  db->busy_timeout_ = settings.sqlite_busy_timeout;
  if (parsed.backend == Backend::kSqlite) {
    auto dir = std::filesystem::path(parsed.connect).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir);
  }
  for (std::size_t i = 0; i < settings.pool_size; ++i) {
    soci::session& s = db->pool_.at(i);
    if (parsed.backend == Backend::kSqlite) {
      s.open(*soci::factory_sqlite3(),
             "db=" + parsed.connect + " timeout=" +
                 std::to_string((settings.sqlite_busy_timeout.count() + 999) / 1000) + " shared_cache=false");
      s << "PRAGMA journal_mode=WAL";
      s << "PRAGMA synchronous=NORMAL";
      s << "PRAGMA foreign_keys=ON";
      s << "PRAGMA busy_timeout=" << settings.sqlite_busy_timeout.count();
    } else {
      s.open(*soci::factory_postgresql(), parsed.connect);
    }
  }
  return db;
}

bool Database::Ping() {
  try {
    Lease lease{*this};
    int one = 0;
    lease.sql() << "SELECT 1", soci::into(one);
    return one == 1;
  } catch (const std::exception&) {
    return false;
  }
}

long long RowInteger(const soci::row& r, std::size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return r.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<long long>(r.get<double>(i));
    default:
      return std::stoll(r.get<std::string>(i));
  }
}

std::optional<Timestamp> RowTime(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return FromUnixMillis(RowInteger(r, i));
}

long long AffectedRows(soci::statement& st) {
  return st.get_affected_rows();
}

void FinishRead(Backend backend, soci::statement& st) {
  if (backend != Backend::kSqlite) return;  // PostgreSQL hands over the whole result at once
  auto* be = static_cast<soci::sqlite3_statement_backend*>(st.get_backend());
  if (be && be->stmt_) sqlite_api::sqlite3_reset(be->stmt_);
}

void CountDatabaseError() {
  static auto& errors =
      metrics::Default()
          .Counter("kanri_database_errors_total", "Database errors of calls on a worker pool")
          .With({});
  errors.Inc();
}

}  // namespace kanri::db
