// Numbered schema migrations, embedded in the binary (src/db/migrations/NNNN_name.sql).
//
// Applied in order at start-up and by `kanri migrate`; each is recorded in
// schema_migrations with the SHA-256 of its text. A migration edited after it was applied,
// or a database migrated by a newer binary, stops start-up with a clear message
// (MigrationError) instead of running on a schema nobody knows.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "db/database.h"

namespace kanri::db {

struct Migration {
  int version = 0;
  std::string name;  // "0001_foundation"
  std::string_view sql;
  std::string checksum;  // SHA-256 hex of sql
};

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The embedded migrations, ordered by version.
std::vector<Migration> EmbeddedMigrations();

// Splits a migration into statements at semicolons that end a line.
std::vector<std::string> SplitStatements(std::string_view sql);

// Applies what is missing; returns the names applied now. Throws MigrationError.
std::vector<std::string> ApplyMigrations(Database& db, const std::vector<Migration>& migrations,
                                         const Clock& clock);

}  // namespace kanri::db
