// DATA-4: backups of the data dir, and restoring one.
//
// A backup is one file, `kanri-backup-<UTC time>.tar.gz` (mode 0600) under
// `<data-dir>/backups/` (or --to DIR): a consistent copy of the SQLite database taken online
// with SQLite's backup API while the server runs, the keys (history signing key and its
// checkpoint copy, the device-secrets key), the TLS certificate and the firmware files, with
// `manifest.json` first: the schema version and each file's size and SHA-256.
//
// `kanri restore FILE` (server stopped) checks the manifest and every file against it, refuses
// a backup of a newer schema than this binary knows, writes the files into the data dir
// (empty, or --force, which moves what was there aside), runs the migrations and
// `kanri audit verify`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/config.h"
#include "base/result.h"
#include "base/time.h"

namespace kanri::app {

struct BackupReport {
  std::filesystem::path file;
  std::uint64_t bytes = 0;  // of the archive
  std::size_t files = 0;    // in it, besides the manifest
};

// Throws std::runtime_error with what went wrong (nothing is left half-written: the archive is
// written under a temporary name and renamed at the end).
BackupReport MakeBackup(const Config& config, const std::filesystem::path& dir, Timestamp now);

// Deletes the backups in `dir` made before `cutoff` (by the time in their name); returns how
// many.
std::size_t PruneBackups(const std::filesystem::path& dir, Timestamp cutoff);

std::filesystem::path DefaultBackupDir(const Config& config);

// `kanri backup [--to DIR]`.
int Backup(const Config& config, const std::string& to);
// `kanri restore FILE [--force]`.
int Restore(const Config& config, const std::string& file, bool force);

}  // namespace kanri::app
