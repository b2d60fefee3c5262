#include "db/migrations.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "base/crypto.h"
#include "base/embedded_file.h"

namespace kanri::db {
namespace embedded {
const std::vector<EmbeddedFile>& Migrations();
}

std::vector<Migration> EmbeddedMigrations() {
  std::vector<Migration> out;
  for (const auto& f : embedded::Migrations()) {
    std::string name{f.name.substr(0, f.name.rfind('.'))};
    out.push_back(Migration{std::stoi(name.substr(0, 4)), name, f.data, Sha256Hex(f.data)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  return out;
}

std::vector<std::string> SplitStatements(std::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  size_t pos = 0;
  while (pos < sql.size()) {
    size_t eol = sql.find('\n', pos);
    std::string_view line =
        sql.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? sql.size() : eol + 1;
    std::string_view trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\r' || trimmed.back() == '\t'))
      trimmed.remove_suffix(1);
    size_t first = trimmed.find_first_not_of(" \t");
    if (first == std::string_view::npos || trimmed.substr(first, 2) == "--") continue;
    current.append(trimmed);
    current.push_back('\n');
    if (trimmed.back() == ';') {
      current.resize(current.size() - 2);  // drop ";\n"
      out.push_back(std::move(current));
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\n") != std::string::npos) out.push_back(std::move(current));
  return out;
}

std::vector<std::string> ApplyMigrations(Database& db, const std::vector<Migration>& migrations,
                                         const Clock& clock) {
  Lease lease = db.Acquire();
  auto& sql = lease.sql();
  sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
         "checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)";

  std::map<int, std::pair<std::string, std::string>> applied;  // version -> (name, checksum)
  {
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT version, name, checksum FROM schema_migrations");
    for (const auto& r : rows) applied[r.get<int>(0)] = {r.get<std::string>(1), r.get<std::string>(2)};
  }

  for (const auto& [version, entry] : applied) {
    auto it = std::find_if(migrations.begin(), migrations.end(),
                           [v = version](const auto& m) { return m.version == v; });
    if (it == migrations.end()) {
      throw MigrationError(fmt::format(
          "the database has migration {} ({}) which this binary does not know: it was migrated by a newer "
          "version of kanri; run that version or restore a backup",
          version, entry.first));
    }
    if (it->checksum != entry.second) {
      throw MigrationError(fmt::format(
          "migration {} was changed after it was applied to this database (checksum {} recorded, {} in this "
          "binary); applied migrations must never be edited: restore the original file and add a new "
          "numbered migration instead",
          it->name, entry.second.substr(0, 12), it->checksum.substr(0, 12)));
    }
  }

  std::vector<std::string> done;
  for (const auto& m : migrations) {
    if (applied.count(m.version)) continue;
    WriteTransaction tx(lease);
    for (const auto& stmt : SplitStatements(m.sql)) sql << stmt;
    long long now = ToUnixMillis(clock.Now());
    sql << "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (:v, :n, :c, :t)",
        soci::use(m.version), soci::use(m.name), soci::use(m.checksum), soci::use(now);
    tx.Commit();
    done.push_back(m.name);
  }
  return done;
}

}  // namespace kanri::db
