#include "devices/firmware.h"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "base/crypto.h"
#include "base/text.h"
#include "devices/campaigns.h"
#include "devices/device_query.h"
#include "devices/task_request.h"

namespace kanri::devices {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kDownloadTokenBytes = 32;

// `model` (a single model, before migration 0020) is superseded by `models` and stays ''.
constexpr const char* kColumns =
    "id, company_id, name, version, model, size, sha256, created_by, created_by_login, created_at, "
    "product_class, models, hardware_versions";

FirmwareFile FromRow(const soci::row& r) {
  FirmwareFile f;
  f.id = FirmwareId{r.get<std::string>(0)};
  f.company_id = CompanyId{r.get<std::string>(1)};
  f.name = r.get<std::string>(2);
  f.version = r.get<std::string>(3);
  f.size = static_cast<std::uint64_t>(r.get<long long>(5));
  f.sha256 = r.get<std::string>(6);
  if (r.get_indicator(7) == soci::i_ok) f.created_by = AccountId{r.get<std::string>(7)};
  f.created_by_login = r.get<std::string>(8);
  f.created_at = FromUnixMillis(r.get<long long>(9));
  if (r.get_indicator(10) == soci::i_ok) f.product_class = r.get<std::string>(10);
  f.models = detail::StringArray(r.get<std::string>(11));
  f.hardware_versions = detail::StringArray(r.get<std::string>(12));
  return f;
}

Status ValidateField(std::string_view field, std::string_view value, bool required) {
  const long n = Utf8Length(value);
  if (n < 0) return InvalidArgument(std::string(field), std::string(field) + " must be UTF-8 text");
  if (required && n == 0) return InvalidArgument(std::string(field), std::string(field) + " is required");
  if (n > kMaxFirmwareFieldLength)
    return InvalidArgument(std::string(field), std::string(field) + " is longer than 128 characters");
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7f)
      return InvalidArgument(std::string(field), std::string(field) + " must not hold control characters");
  return Ok{};
}

std::string StorageLimitMessage(std::uint64_t limit) {
  return "the company's firmware would exceed its storage limit of " + std::to_string(limit) +
         " bytes; delete unused images first";
}

// Moves `from` to `to`; across file systems by copying.
void MoveFile(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (!ec) return;
  fs::copy_file(from, to, fs::copy_options::none);
  fs::remove(from);
}

Status ValidateList(std::string_view field, const std::vector<std::string>& values) {
  if (values.size() > kMaxFirmwareTargets)
    return InvalidArgument(std::string(field), std::string(field) + " names more than " +
                                                   std::to_string(kMaxFirmwareTargets) + " values");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (auto s = ValidateField(field, values[i], true); !s) return s;
    if (std::find(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(i), values[i]) !=
        values.begin() + static_cast<std::ptrdiff_t>(i))
      return InvalidArgument(std::string(field), std::string(field) + " names " + values[i] + " twice");
  }
  return Ok{};
}

}  // namespace

Status ValidateFirmwareMetadata(const FirmwareMetadata& m) {
  if (auto s = ValidateField("name", m.name, true); !s) return s;
  if (auto s = ValidateField("version", m.version, true); !s) return s;
  if (m.product_class)
    if (auto s = ValidateField("product_class", *m.product_class, true); !s) return s;
  if (auto s = ValidateList("models", m.models); !s) return s;
  return ValidateList("hardware_versions", m.hardware_versions);
}

std::string VersionFromFileName(std::string_view file_name) {
  // The stem: without a final extension of letters (".bin", ".img"), which is no version part.
  std::string_view stem = file_name;
  if (auto dot = stem.rfind('.'); dot != std::string_view::npos && dot + 1 < stem.size() &&
                                  std::all_of(stem.begin() + static_cast<std::ptrdiff_t>(dot) + 1, stem.end(),
                                              [](unsigned char c) { return std::isalpha(c) != 0; }))
    stem = stem.substr(0, dot);
  // Runs of digits joined by single dots or underscores, the last one standing alone (after the
  // start, a separator or a separated "v"; before the end or a separator).
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::string found;
  std::size_t i = 0;
  while (i < stem.size()) {
    if (!digit(stem[i])) {
      ++i;
      continue;
    }
    const std::size_t begin = i;
    std::size_t parts = 1;
    while (i < stem.size() && digit(stem[i])) ++i;
    while (i + 1 < stem.size() && (stem[i] == '.' || stem[i] == '_') && digit(stem[i + 1])) {
      ++i;
      while (i < stem.size() && digit(stem[i])) ++i;
      ++parts;
    }
    const bool v = begin > 0 && (stem[begin - 1] == 'v' || stem[begin - 1] == 'V');
    const std::size_t lead = v ? begin - 1 : begin;
    const bool apart_before = lead == 0 || !alnum(stem[lead - 1]);
    const bool apart_after = i == stem.size() || !alnum(stem[i]);
    if (parts > 1 && apart_before && apart_after) found = std::string(stem.substr(begin, i - begin));
    while (i < stem.size() && alnum(stem[i])) ++i;  // the rest of a word is no version
  }
  std::replace(found.begin(), found.end(), '_', '.');
  return found;
}

std::string NewDownloadToken() {
  return RandomToken(kDownloadTokenBytes);
}

std::string DownloadTokenHash(std::string_view token) {
  return Sha256Hex(token);
}

FirmwareRepository::FirmwareRepository(db::Database& db, const Clock& clock, fs::path dir,
                                       FirmwareStorageSettings settings)
    : db_(db), clock_(clock), dir_(std::move(dir)), settings_(settings) {
  fs::create_directories(dir_);
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace);
}

Result<FirmwareFile> FirmwareRepository::Store(const CompanyId& company, const FirmwareMetadata& metadata,
                                               const fs::path& file, std::uint64_t size,
                                               std::string sha256_hex, const FirmwareActor& actor) {
  if (auto s = ValidateFirmwareMetadata(metadata); !s) return s.error();
  if (size == 0) return InvalidArgument("body", "the firmware image is empty");
  FirmwareFile f;
  f.id = FirmwareId::Generate();
  f.company_id = company;
  f.name = metadata.name;
  f.version = metadata.version;
  f.product_class = metadata.product_class;
  f.models = metadata.models;
  f.hardware_versions = metadata.hardware_versions;
  f.size = size;
  f.sha256 = std::move(sha256_hex);
  f.created_by = actor.id;
  f.created_by_login = actor.login;
  f.created_at = clock_.Now();

  if (size > settings_.max_bytes_per_company)
    return Error{ErrorCode::kConflict, StorageLimitMessage(settings_.max_bytes_per_company),
                 kStorageLimitField};

  const fs::path target = PathOf(f.id);
  auto lease = db_.Acquire();
  // One writer at a time per company, so that two uploads cannot both fit in the same space:
  // BEGIN IMMEDIATE on SQLite; on PostgreSQL the company's row is locked as well.
  db::WriteTransaction tx(lease);
  if (db_.backend() == db::Backend::kPostgresql)
    lease.sql() << "SELECT id FROM companies WHERE id = :c FOR UPDATE", soci::use(company.value());
  long long used = 0;
  lease.sql() << "SELECT COALESCE(SUM(size), 0) FROM firmware_files WHERE company_id = :c",
      soci::use(company.value()), soci::into(used);
  if (static_cast<std::uint64_t>(used) + size > settings_.max_bytes_per_company)
    return Error{ErrorCode::kConflict, StorageLimitMessage(settings_.max_bytes_per_company),
                 kStorageLimitField};
  MoveFile(file, target);
  try {
    fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    std::optional<std::string> created_by =
        f.created_by ? std::optional<std::string>(f.created_by->value()) : std::nullopt;
    const long long bytes = static_cast<long long>(f.size);
    const long long at = ToUnixMillis(f.created_at);
    const std::string models = detail::JsonArray(f.models);
    const std::string hardware = detail::JsonArray(f.hardware_versions);
    lease.sql()
        << "INSERT INTO firmware_files (" << kColumns
        << ") VALUES (:id, :c, :name, :version, '', :size, :sha, :by, :login, :at, :pc, :models, :hw)",
        soci::use(f.id.value()), soci::use(company.value()), soci::use(f.name), soci::use(f.version),
        soci::use(bytes), soci::use(f.sha256), soci::use(created_by), soci::use(f.created_by_login),
        soci::use(at), soci::use(f.product_class), soci::use(models), soci::use(hardware);
    tx.Commit();
  } catch (...) {
    std::error_code ignored;
    fs::remove(target, ignored);
    throw;
  }
  return f;
}

Page<FirmwareFile> FirmwareRepository::List(const CompanyId& company, const PageRequest& page) {
  auto lease = db_.Acquire();
  // Cursor: "<created_at>:<id>" of the last item seen; newest first, the id breaks ties.
  long long after_at = std::numeric_limits<long long>::max();
  std::string after_id;
  if (page.after) {
    auto colon = page.after->find(':');
    try {
      if (colon != std::string::npos) {
        after_at = std::stoll(page.after->substr(0, colon));
        after_id = page.after->substr(colon + 1);
      }
    } catch (const std::exception&) {
      after_at = std::numeric_limits<long long>::max();
    }
  }
  const long long limit = static_cast<long long>(page.limit) + 1;
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << "SELECT " << kColumns
                           << " FROM firmware_files WHERE company_id = :c AND (created_at < :at OR "
                              "(created_at = :at2 AND id < :id)) ORDER BY created_at DESC, id DESC LIMIT :n",
       soci::use(company.value()), soci::use(after_at), soci::use(after_at), soci::use(after_id),
       soci::use(limit));
  std::vector<FirmwareFile> out;
  for (const auto& r : rows) out.push_back(FromRow(r));
  return MakePage(std::move(out), page.limit, [](const FirmwareFile& f) {
    return std::to_string(ToUnixMillis(f.created_at)) + ":" + f.id.value();
  });
}

Result<FirmwareFile> FirmwareRepository::Get(const CompanyId& company, const FirmwareId& id) {
  auto lease = db_.Acquire();
  if (auto f = Find(lease, company, id)) return std::move(*f);
  return NotFound("no such firmware file");
}

std::optional<FirmwareFile> FirmwareRepository::Find(db::Lease& lease, const CompanyId& company,
                                                     const FirmwareId& id) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << "SELECT " << kColumns
                           << " FROM firmware_files WHERE company_id = :c AND id = :id",
       soci::use(company.value()), soci::use(id.value()));
  for (const auto& r : rows) return FromRow(r);
  return std::nullopt;
}

Status FirmwareRepository::Delete(const CompanyId& company, const FirmwareId& id) {
  {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    if (!Exists(lease, company, id)) return NotFound("no such firmware file");
    // Task requests are stored normalised ({"file_id":"…"}); ids are base32, so no LIKE wildcards.
    const std::string pattern = "%\"file_id\":\"" + id.value() + "\"%";
    int busy = 0;
    lease.sql() << "SELECT COUNT(*) FROM tasks WHERE company_id = :c AND type = 'download' AND state IN "
                   "('queued', 'running') AND request LIKE :p",
        soci::use(company.value()), soci::use(pattern), soci::into(busy);
    if (busy) return Conflict("a queued or running download task uses this firmware file", "firmware_in_use");
    if (CampaignRepository::UsesFirmware(lease, company, id))
      return Conflict("a running or paused campaign sends this firmware file", "firmware_in_use");
    lease.sql() << "DELETE FROM firmware_files WHERE company_id = :c AND id = :id",
        soci::use(company.value()), soci::use(id.value());
    tx.Commit();
  }
  std::error_code ignored;
  fs::remove(PathOf(id), ignored);
  return Ok{};
}

bool FirmwareRepository::Exists(db::Lease& lease, const CompanyId& company, const FirmwareId& id) {
  int n = 0;
  lease.sql() << "SELECT COUNT(*) FROM firmware_files WHERE company_id = :c AND id = :id",
      soci::use(company.value()), soci::use(id.value()), soci::into(n);
  return n > 0;
}

std::int64_t FirmwareRepository::DeleteAllOf(const CompanyId& company) {
  std::vector<std::string> ids;
  {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    soci::rowset<std::string> rows =
        (lease.sql().prepare << "SELECT id FROM firmware_files WHERE company_id = :c",
         soci::use(company.value()));
    for (const auto& id : rows) ids.push_back(id);
    lease.sql() << "DELETE FROM firmware_files WHERE company_id = :c", soci::use(company.value());
    tx.Commit();
  }
  for (const auto& id : ids) {
    std::error_code ignored;
    fs::remove(PathOf(FirmwareId{id}), ignored);
  }
  return static_cast<std::int64_t>(ids.size());
}

Result<FirmwareDownload> FirmwareRepository::OpenForDownloadToken(std::string_view token, Timestamp now) {
  if (token.empty() || token.size() > 256) return NotFound();
  const std::string hash = DownloadTokenHash(token);
  const long long now_ms = ToUnixMillis(now);
  auto lease = db_.Acquire();
  std::string company, request, task_id, device_id, serial;
  soci::indicator ind = soci::i_null;
  lease.sql()
      << "SELECT t.company_id, t.request, t.id, t.device_id, d.serial_number FROM tasks t JOIN devices d "
         "ON d.id = t.device_id WHERE t.download_token_hash = :h AND t.type = 'download' AND "
         "t.state IN ('queued', 'running') AND t.expires_at > :now",
      soci::use(hash), soci::use(now_ms), soci::into(company, ind), soci::into(request), soci::into(task_id),
      soci::into(device_id), soci::into(serial);
  if (ind != soci::i_ok || !lease.sql().got_data()) return NotFound();
  const auto download = LoadTaskRequest("download", request);
  if (!download) return NotFound();
  const std::string file_id = std::get<task::Download>(*download).file_id.value();
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << "SELECT name, size, sha256 FROM firmware_files WHERE company_id = :c AND id = :id",
       soci::use(company), soci::use(file_id));
  for (const auto& r : rows) {
    FirmwareDownload d;
    d.path = PathOf(FirmwareId{file_id});
    d.name = r.get<std::string>(0);
    d.size = static_cast<std::uint64_t>(r.get<long long>(1));
    d.sha256 = r.get<std::string>(2);
    d.company_id = CompanyId{company};
    d.file_id = FirmwareId{file_id};
    d.task_id = TaskId{task_id};
    d.device_id = DeviceId{device_id};
    d.serial_number = serial;
    std::error_code ec;
    if (!fs::is_regular_file(d.path, ec) || fs::file_size(d.path, ec) != d.size) return NotFound();
    return d;
  }
  return NotFound();
}

}  // namespace kanri::devices
