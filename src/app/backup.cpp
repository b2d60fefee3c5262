#include "app/backup.h"

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>
#include <sqlite3.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include "app/runtime.h"
#include "base/crypto.h"
#include "db/database.h"
#include "db/migrations.h"

namespace kanri::app {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr const char* kPrefix = "kanri-backup-";
constexpr const char* kSuffix = ".tar.gz";
constexpr const char* kFormat = "kanri-backup";
constexpr int kFormatVersion = 1;
constexpr const char* kDatabaseEntry = "kanri.db";
// What a backup holds besides the database: these folders of the data dir, whole.
constexpr const char* kFolders[] = {"keys", "tls", "firmware"};

// "20261206T020000Z" (UTC), sortable and safe in a file name.
std::string CompactUtc(Timestamp t) {
  std::string s = FormatUtc(t);  // 2026-12-06T02:00:00.000Z
  std::string out;
  for (char c : s.substr(0, 19))
    if (c != '-' && c != ':') out += c;
  return out + "Z";
}

std::optional<Timestamp> TimeOfBackupName(const std::string& name) {
  if (name.rfind(kPrefix, 0) != 0 || name.size() < std::string(kPrefix).size() + 16) return std::nullopt;
  const std::string t = name.substr(std::string(kPrefix).size(), 16);  // 20261206T020000Z
  const std::string iso = t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2) + "T" +
                          t.substr(9, 2) + ":" + t.substr(11, 2) + ":" + t.substr(13, 2) + "Z";
  return ParseUtc(iso);
}

std::string HexOf(const unsigned char* bytes, std::size_t n) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), n));
}

std::string FileSha256(const fs::path& p) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  return HexOf(out, sizeof out);
}

// SQLite's online backup: a consistent copy while other connections read and write.
void CopySqlite(const std::string& source, const fs::path& dest) {
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  auto close = [&] {
    if (src) sqlite3_close(src);
    if (dst) sqlite3_close(dst);
  };
  if (sqlite3_open_v2(source.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
      sqlite3_open_v2(dest.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    const std::string why = src ? sqlite3_errmsg(src) : "cannot open";
    close();
    throw std::runtime_error("cannot open the database for the backup: " + why);
  }
  sqlite3_busy_timeout(src, 10'000);
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
  if (b) sqlite3_backup_finish(b);
  // The copy is one self-contained file (the source's WAL mode would give it -wal and -shm
  // companions); the server turns WAL on again when it opens a restored copy.
  if (rc == SQLITE_DONE) sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  const std::string why = sqlite3_errmsg(dst);
  close();
  if (rc != SQLITE_DONE) throw std::runtime_error("the database backup failed: " + why);
}

int SchemaVersionOf(const fs::path& sqlite_file) {
  sqlite3* db = nullptr;
  int version = 0;
  if (sqlite3_open_v2(sqlite_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT MAX(version) FROM schema_migrations", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return version;
}

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

std::string ErrorOf(archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

void Check(archive* a, int rc, const std::string& what) {
  if (rc < ARCHIVE_WARN) throw std::runtime_error(what + ": " + ErrorOf(a));
}

void WriteEntry(archive* a, const std::string& name, const fs::path& source) {
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> e{archive_entry_new(), archive_entry_free};
  archive_entry_set_pathname(e.get(), name.c_str());
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(fs::file_size(source)));
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), 0600);
  Check(a, archive_write_header(a, e.get()), "writing the backup");
  std::ifstream in(source, std::ios::binary);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0 && archive_write_data(a, buf.data(), static_cast<std::size_t>(in.gcount())) < 0)
      Check(a, ARCHIVE_FATAL, "writing the backup");
  }
}

void WriteText(archive* a, const std::string& name, const std::string& text) {
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> e{archive_entry_new(), archive_entry_free};
  archive_entry_set_pathname(e.get(), name.c_str());
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(text.size()));
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), 0600);
  Check(a, archive_write_header(a, e.get()), "writing the backup");
  if (archive_write_data(a, text.data(), text.size()) < 0) Check(a, ARCHIVE_FATAL, "writing the backup");
}

// A path a backup may hold: the database, or a file under one of kFolders; nothing absolute,
// no "..", so that a crafted archive cannot write outside the data dir.
bool AllowedEntry(const std::string& name) {
  if (name == kDatabaseEntry) return true;
  const fs::path p{name};
  if (p.is_absolute() || name.find('\\') != std::string::npos) return false;
  for (const auto& part : p)
    if (part == ".." || part == "." || part.empty()) return false;
  for (const char* folder : kFolders)
    if (name.rfind(std::string(folder) + "/", 0) == 0 && name.size() > std::string(folder).size() + 1)
      return true;
  return false;
}

// The manifest's shape, checked before any of it is used.
bool ManifestIsWellFormed(const json::value& v) {
  if (!v.is_object()) return false;
  const auto& o = v.as_object();
  auto is = [&](const char* key, auto test) { return o.contains(key) && test(o.at(key)); };
  if (!is("format", [](const json::value& x) { return x.is_string() && x.as_string() == kFormat; }) ||
      !is("format_version", [](const json::value& x) { return x.is_int64(); }) ||
      !is("schema_version", [](const json::value& x) { return x.is_int64(); }) ||
      !is("created_at", [](const json::value& x) { return x.is_string(); }) ||
      !is("files", [](const json::value& x) { return x.is_array(); }))
    return false;
  for (const auto& f : o.at("files").as_array())
    if (!f.is_object() || !f.as_object().contains("path") || !f.at("path").is_string() ||
        !f.as_object().contains("bytes") || !f.at("bytes").is_int64() || !f.as_object().contains("sha256") ||
        !f.at("sha256").is_string())
      return false;
  return true;
}

void Restrict(const fs::path& p, bool dir) {
  fs::permissions(p, dir ? fs::perms::owner_all : (fs::perms::owner_read | fs::perms::owner_write),
                  fs::perm_options::replace);
}

}  // namespace

fs::path DefaultBackupDir(const Config& config) {
  return fs::path(config.data_dir) / "backups";
}

BackupReport MakeBackup(const Config& config, const fs::path& dir, Timestamp now) {
  const auto url = db::ParseDatabaseUrl(config.DatabaseUrl());
  if (url.backend != db::Backend::kSqlite)
    throw std::runtime_error(
        "kanri backup copies the embedded SQLite database; back up PostgreSQL with pg_dump --format=custom "
        "and the data dir's keys/ with it");
  fs::create_directories(dir);
  Restrict(dir, true);
  const std::string name = kPrefix + CompactUtc(now);
  const fs::path final_path = dir / (name + kSuffix);
  const fs::path tmp_path = dir / ("." + name + ".tmp");
  const fs::path db_copy = dir / ("." + name + ".db");
  struct Cleanup {
    std::vector<fs::path> paths;
    ~Cleanup() {
      std::error_code ec;
      for (const auto& p : paths) fs::remove(p, ec);
    }
  } cleanup{{tmp_path, db_copy}};

  CopySqlite(url.connect, db_copy);
  Restrict(db_copy, false);
  // The files, with their sizes and digests, in the manifest written first.
  std::vector<std::pair<std::string, fs::path>> files{{kDatabaseEntry, db_copy}};
  for (const char* folder : kFolders) {
    const fs::path base = fs::path(config.data_dir) / folder;
    if (!fs::is_directory(base)) continue;
    for (const auto& e : fs::recursive_directory_iterator(base))
      if (e.is_regular_file() && !e.is_symlink())
        files.emplace_back(std::string(folder) + "/" + fs::relative(e.path(), base).generic_string(),
                           e.path());
  }
  json::array listed;
  for (const auto& [entry, path] : files)
    listed.push_back(json::object{{"path", entry},
                                  {"bytes", static_cast<std::int64_t>(fs::file_size(path))},
                                  {"sha256", FileSha256(path)}});
  const json::object manifest{{"format", kFormat},
                              {"format_version", kFormatVersion},
                              {"created_at", FormatUtc(now)},
                              {"schema_version", SchemaVersionOf(db_copy)},
                              {"files", std::move(listed)}};

  ArchivePtr a{archive_write_new(), archive_write_free};
  Check(a.get(), archive_write_add_filter_gzip(a.get()), "the backup's compression");
  Check(a.get(), archive_write_set_format_pax_restricted(a.get()), "the backup's format");
  Check(a.get(), archive_write_open_filename(a.get(), tmp_path.c_str()), "creating " + tmp_path.string());
  WriteText(a.get(), "manifest.json", json::serialize(manifest));
  for (const auto& [entry, path] : files) WriteEntry(a.get(), entry, path);
  Check(a.get(), archive_write_close(a.get()), "finishing the backup");
  Restrict(tmp_path, false);
  fs::rename(tmp_path, final_path);
  return {final_path, fs::file_size(final_path), files.size()};
}

std::size_t PruneBackups(const fs::path& dir, Timestamp cutoff) {
  std::size_t removed = 0;
  if (!fs::is_directory(dir)) return 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || !name.ends_with(kSuffix)) continue;
    const auto t = TimeOfBackupName(name);
    if (t && *t < cutoff && fs::remove(e.path())) ++removed;
  }
  return removed;
}

int Backup(const Config& config, const std::string& to) {
  PrepareDataDir(config);
  auto clock = MakeClock();
  const auto report = MakeBackup(config, to.empty() ? DefaultBackupDir(config) : fs::path(to), clock->Now());
  std::cout << "Wrote " << report.file.string() << " (" << report.files << " file(s), " << report.bytes
            << " bytes).\n";
  return 0;
}

int Restore(const Config& config, const std::string& file, bool force) {
  const auto url = db::ParseDatabaseUrl(config.DatabaseUrl());
  if (url.backend != db::Backend::kSqlite) {
    std::cerr << "kanri restore restores the embedded SQLite database; restore PostgreSQL with pg_restore.\n";
    return 2;
  }
  PrepareDataDir(config);
  const fs::path data{config.data_dir};
  const fs::path staging = data / (".restore-" + GenerateOpaqueId());
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{staging};
  fs::create_directories(staging);
  Restrict(staging, true);

  // 1. Read and check everything into a staging folder; the data dir is untouched until all
  //    of it is known good.
  ArchivePtr a{archive_read_new(), archive_read_free};
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) {
    std::cerr << "cannot read " << file << ": " << ErrorOf(a.get()) << "\n";
    return 2;
  }
  std::optional<json::object> manifest;
  std::map<std::string, std::pair<std::int64_t, std::string>> staged;  // entry -> (bytes, sha256)
  archive_entry* e = nullptr;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    if (!manifest) {
      if (name != "manifest.json" || archive_entry_size(e) < 0 || archive_entry_size(e) > (1 << 20)) {
        std::cerr << file << " is not a Kanri backup (no manifest.json first).\n";
        return 2;
      }
      std::string text(static_cast<std::size_t>(archive_entry_size(e)), '\0');
      if (archive_read_data(a.get(), text.data(), text.size()) != static_cast<la_ssize_t>(text.size())) {
        std::cerr << "the manifest of " << file << " cannot be read.\n";
        return 2;
      }
      boost::system::error_code ec;
      auto v = json::parse(text, ec);
      if (ec || !ManifestIsWellFormed(v)) {
        std::cerr << file << " is not a Kanri backup (its manifest is not one).\n";
        return 2;
      }
      manifest = v.as_object();
      const auto version = manifest->at("schema_version").as_int64();
      const auto known = db::EmbeddedMigrations().back().version;
      if (manifest->at("format_version").as_int64() != kFormatVersion) {
        std::cerr << file << " has a backup format this Kanri does not read.\n";
        return 2;
      }
      if (version > known) {
        std::cerr << file << " comes from a newer Kanri (schema " << version << ", this one knows up to "
                  << known << "); restore it with that version or newer.\n";
        return 2;
      }
      continue;
    }
    if (!AllowedEntry(name) || archive_entry_filetype(e) != AE_IFREG || staged.contains(name)) {
      std::cerr << file << " holds an entry a Kanri backup cannot hold: '" << name.substr(0, 200) << "'.\n";
      return 2;
    }
    const fs::path out = staging / name;
    fs::create_directories(out.parent_path());
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    std::ofstream f(out, std::ios::binary);
    std::int64_t bytes = 0;
    std::vector<char> buf(1 << 16);
    la_ssize_t n;
    while ((n = archive_read_data(a.get(), buf.data(), buf.size())) > 0) {
      f.write(buf.data(), n);
      crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()),
                                static_cast<unsigned long long>(n));
      bytes += n;
    }
    if (n < 0 || !f) {
      std::cerr << file << " is damaged or incomplete: cannot read " << name << " (" << ErrorOf(a.get())
                << ").\n";
      return 2;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, digest);
    staged[name] = {bytes, HexOf(digest, sizeof digest)};
  }
  if (rc != ARCHIVE_EOF || !manifest) {
    std::cerr << file << " is damaged or incomplete: " << (manifest ? ErrorOf(a.get()) : "no manifest")
              << "\n";
    return 2;
  }
  // 2. Every file of the manifest, with its size and digest, and nothing else.
  std::size_t listed = 0;
  for (const auto& item : manifest->at("files").as_array()) {
    const std::string path{item.at("path").as_string()};
    auto it = staged.find(path);
    if (it == staged.end() || it->second.first != item.at("bytes").as_int64() ||
        it->second.second != item.at("sha256").as_string()) {
      std::cerr << file << " does not match its manifest at " << path << "; nothing was restored.\n";
      return 2;
    }
    ++listed;
  }
  if (listed != staged.size() || !staged.contains(kDatabaseEntry)) {
    std::cerr << file << " does not match its manifest; nothing was restored.\n";
    return 2;
  }

  // 3. Into the data dir: empty of a database, or --force (what was there is moved aside).
  const fs::path db_path{url.connect};
  if (fs::exists(db_path) && !force) {
    std::cerr
        << "The data dir already holds a database (" << db_path.string()
        << "). Restore into an empty data dir, or pass --force to move what is there aside (stop the server "
           "first).\n";
    return 2;
  }
  if (force) {
    const fs::path aside = data / ("pre-restore-" + CompactUtc(MakeClock()->Now()));
    fs::create_directories(aside);
    for (const fs::path& p :
         {db_path, fs::path(db_path.string() + "-wal"), fs::path(db_path.string() + "-shm")})
      if (fs::exists(p)) fs::rename(p, aside / p.filename());
    for (const char* folder : kFolders)
      if (fs::exists(data / folder)) fs::rename(data / folder, aside / folder);
    std::cout << "Moved the previous database and keys to " << aside.string() << "\n";
  }
  for (const auto& [name, info] : staged) {
    const fs::path target = name == kDatabaseEntry ? db_path : data / name;
    fs::create_directories(target.parent_path());
    fs::rename(staging / name, target);
    Restrict(target, false);
  }
  for (const char* folder : kFolders)
    if (fs::exists(data / folder)) Restrict(data / folder, true);
  std::cout << "Restored " << staged.size() << " file(s) from " << file << " (made "
            << std::string(manifest->at("created_at").as_string()) << ").\n";
  // 4. The migrations (Runtime applies them) and the history's check.
  return AuditVerify(config);
}

}  // namespace kanri::app
