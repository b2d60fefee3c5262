// Firmware files (DEV-6): images a company uploads so that its devices can fetch them for a
// TR-069 Download. The row lives in firmware_files, the bytes in <firmware_dir>/<id>
// (owner-only). Devices fetch a file through a per-task token URL (/files/<token> on the CWMP
// listener): the session engine creates the token when it sends the Download RPC and stores
// only its hash in tasks.download_token_hash, so the URL works while that task is queued or
// running and has not expired, and never for another company's file (SEC-8).
//
//   FirmwareRepository firmware{db, clock, data_dir / "firmware"};
//   auto f = firmware.Store(company, {.name = "fw.bin", .version = "2.1", .models = {"X1"}},
//                           spooled.path, spooled.size, spooled.sha256_hex, actor);
//   std::string token = NewDownloadToken();            // in the URL sent to the device
//   task.download_token_hash = DownloadTokenHash(token);
//   auto d = firmware.OpenForDownloadToken(token, clock.Now());   // the /files/ handler
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/page.h"
#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "devices/model.h"

namespace kanri::devices {

// Longest name, version, product class, model and hardware version (Unicode code points).
inline constexpr long kMaxFirmwareFieldLength = 128;
// Most models and hardware versions one file may name.
inline constexpr std::size_t kMaxFirmwareTargets = 32;

// What an upload says the file is and is for (DEV-6): a campaign skips, with the reason, every
// device the file is not for (devices/campaign_plan.h).
struct FirmwareMetadata {
  std::string name;                            // required, e.g. the image's file name
  std::string version;                         // required: the software version it installs
  std::optional<std::string> product_class;    // exact; nullopt: any
  std::vector<std::string> models;             // DeviceInfo.ModelName, exact; empty: any
  std::vector<std::string> hardware_versions;  // exact; empty: any
};
// Name and version 1-128 characters, the others 1-128 when given, at most kMaxFirmwareTargets
// models and hardware versions, none twice; no control characters; InvalidArgument naming the
// field.
Status ValidateFirmwareMetadata(const FirmwareMetadata& m);

// The version a vendor's file name carries, for an upload that does not say it: the last run
// of numbers joined by dots (or underscores, read as dots), optionally after a "v", that is not
// part of a word: "HG-5_v2.1.3.bin" → "2.1.3", "fw-10_4_1-release.img" → "10.4.1". Empty when
// there is none ("firmware.bin", "HG5.bin").
std::string VersionFromFileName(std::string_view file_name);

// Who uploaded a file.
struct FirmwareActor {
  std::optional<AccountId> id;
  std::string login;
};

// What the /files/ handler needs to serve a file, and to record who fetched it (SEC-6).
struct FirmwareDownload {
  std::filesystem::path path;
  std::uint64_t size = 0;
  std::string name;
  std::string sha256;
  CompanyId company_id;
  FirmwareId file_id;
  TaskId task_id;
  DeviceId device_id;
  std::string serial_number;
};

// DEV-6: how much firmware one company may keep. An upload that would pass the limit is
// refused (ErrorCode::kConflict with field kStorageLimitField) and nothing is stored.
struct FirmwareStorageSettings {
  std::uint64_t max_bytes_per_company = 2ull * 1024 * 1024 * 1024;  // 2 GiB
};
inline constexpr char kStorageLimitField[] = "firmware_storage_limit";

// A random download token for a task's file URL (256 bits, URL-safe), and the hash stored in
// tasks.download_token_hash (SHA-256 hex of the token).
std::string NewDownloadToken();
std::string DownloadTokenHash(std::string_view token);

class FirmwareRepository {
 public:
  // Creates `dir` (owner-only) when missing.
  FirmwareRepository(db::Database& db, const Clock& clock, std::filesystem::path dir,
                     FirmwareStorageSettings settings = {});

  // Takes over `file` (renamed into <dir>/<new id>, owner-only) and records it. On a
  // validation error, or when the company's files would pass max_bytes_per_company, nothing
  // is stored and `file` is left for its owner to remove.
  Result<FirmwareFile> Store(const CompanyId& company, const FirmwareMetadata& metadata,
                             const std::filesystem::path& file, std::uint64_t size, std::string sha256_hex,
                             const FirmwareActor& actor);
  // Newest first.
  Page<FirmwareFile> List(const CompanyId& company, const PageRequest& page);
  Result<FirmwareFile> Get(const CompanyId& company, const FirmwareId& id);
  // Removes the row and the file. Conflict while a queued or running download task names it.
  Status Delete(const CompanyId& company, const FirmwareId& id);
  // Whether the company has the file, inside the caller's transaction.
  static bool Exists(db::Lease& lease, const CompanyId& company, const FirmwareId& id);
  // The company's file, inside the caller's transaction.
  static std::optional<FirmwareFile> Find(db::Lease& lease, const CompanyId& company, const FirmwareId& id);
  // DATA-6: removes every file of a company (its tasks are gone by then); returns how many.
  std::int64_t DeleteAllOf(const CompanyId& company);

  // The file a download token stands for: the token's task must be a download, queued or
  // running, not expired at `now`, and its file must belong to the task's company. NotFound
  // for anything else, without saying which.
  Result<FirmwareDownload> OpenForDownloadToken(std::string_view token, Timestamp now);

  std::filesystem::path PathOf(const FirmwareId& id) const { return dir_ / id.value(); }

 private:
  db::Database& db_;
  const Clock& clock_;
  std::filesystem::path dir_;
  FirmwareStorageSettings settings_;
};

}  // namespace kanri::devices
