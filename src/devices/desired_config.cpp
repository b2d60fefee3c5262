#include "devices/desired_config.h"

#include "base/crypto.h"
#include "devices/device_query.h"
#include "devices/parameter_tree.h"

namespace kanri::devices {
namespace {

// Days since the epoch in JST: "tries today" start again at midnight in Japan.
long long JstDay(Timestamp t) {
  return (ToUnixMillis(t) + 9LL * 3600 * 1000) / (24LL * 3600 * 1000);
}

std::map<std::string, SetHistory> LoadHistory(db::Lease& lease, const DeviceId& device, long long today) {
  std::map<std::string, SetHistory> out;
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << "SELECT path, value_sha256, outcome, fault_code, error, tries, tries_day FROM "
                              "desired_parameter_state WHERE device_id = :d",
       soci::use(device.value()));
  for (const auto& r : rows) {
    SetHistory h;
    h.value = r.get<std::string>(1);
    const std::string outcome = r.get<std::string>(2);
    h.open = outcome == "queued";
    h.succeeded = outcome == "done";
    if (r.get_indicator(3) != soci::i_null) h.fault = static_cast<int>(db::RowInteger(r, 3));
    if (r.get_indicator(4) != soci::i_null) h.error = r.get<std::string>(4);
    h.tries_today = db::RowInteger(r, 6) == today ? static_cast<int>(db::RowInteger(r, 5)) : 0;
    out.emplace(r.get<std::string>(0), std::move(h));
  }
  return out;
}

}  // namespace

bool DesiredConfig::Dirty(db::Lease& lease, const DeviceId& device) {
  int dirty = 0;
  lease.sql() << "SELECT desired_dirty FROM devices WHERE id = :id", soci::use(device.value()),
      soci::into(dirty);
  return dirty != 0;
}

DeviceCompliance DesiredConfig::Evaluate(db::Lease& lease, const DeviceId& device, CompanyId* company) const {
  DeviceCompliance out;
  soci::row r;
  lease.sql()
      << "SELECT d.company_id, d.profile_id, d.data_model, d.serial_number, d.oui, d.product_class, "
         "d.parameter_overrides, p.parameters, p.periodic_inform_interval, t.tree, p.firmware_version, "
         "d.software_version, CASE WHEN EXISTS (SELECT 1 FROM tasks k WHERE k.device_id = d.id AND k.type = "
         "'download' AND k.state IN ('queued', 'running')) THEN 1 ELSE 0 END FROM devices d LEFT JOIN "
         "device_profiles p ON p.id = "
         "d.profile_id AND p.company_id = d.company_id LEFT JOIN device_parameters t ON t.device_id = d.id "
         "WHERE d.id = :id",
      soci::use(device.value()), soci::into(r);
  if (!lease.sql().got_data()) return out;
  if (company) *company = CompanyId{r.get<std::string>(0)};
  const auto text = [&](std::size_t i) {
    return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
  };
  if (r.get_indicator(1) != soci::i_null) out.profile_id = ProfileId{r.get<std::string>(1)};
  const DeviceFacts facts{text(2) == "tr098" ? DataModel::kTr098 : DataModel::kTr181, text(3), text(4),
                          text(5)};
  std::optional<std::uint32_t> interval;
  if (r.get_indicator(8) != soci::i_null) interval = static_cast<std::uint32_t>(db::RowInteger(r, 8));
  const auto desired = DesiredValues(ParseParameterMap(text(7)), interval, ParseParameterMap(text(6)), facts);
  out.history = LoadHistory(lease, device, JstDay(clock_.Now()));
  // The history keeps each value's SHA-256 (a desired value may be a secret): compare by it.
  std::map<std::string, SetHistory> by_value = out.history;
  for (const auto& d : desired) {
    auto it = by_value.find(d.path);
    if (it != by_value.end()) it->second.value = it->second.value == Sha256Hex(d.value) ? d.value : "";
  }
  out.entries = Compare(desired, ParameterTree::Parse(text(9)), by_value, limits_);
  // The firmware baseline: what the device runs, never set by a SetParameterValues.
  if (r.get_indicator(10) != soci::i_null)
    out.entries.push_back(CompareFirmware(text(10), text(11), facts.model, db::RowInteger(r, 12) != 0));
  out.state = Overall(out.entries);
  return out;
}

void DesiredConfig::Reconcile(db::Lease& lease, const DeviceId& device, const QueueSet& queue) const {
  CompanyId company;
  DeviceCompliance c = Evaluate(lease, device, &company);
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& e : c.entries)
    if (e.send) values.emplace_back(e.path, e.desired);
  const Timestamp now = clock_.Now();
  const long long today = JstDay(now), t = ToUnixMillis(now);
  if (!values.empty()) {
    const TaskId task = queue(company, values);
    std::string path, hash;
    int tries = 0;
    soci::statement upsert =
        (lease.sql().prepare
             << "INSERT INTO desired_parameter_state (device_id, company_id, path, value_sha256, "
                "task_id, outcome, fault_code, error, tries, tries_day, updated_at) VALUES (:d, :c, "
                ":p, :v, :task, 'queued', NULL, NULL, :n, :day, :t) ON CONFLICT (device_id, path) DO "
                "UPDATE SET value_sha256 = :v2, task_id = :task2, outcome = 'queued', fault_code = "
                "NULL, error = NULL, tries = :n2, tries_day = :day2, updated_at = :t2",
         soci::use(device.value()), soci::use(company.value()), soci::use(path), soci::use(hash),
         soci::use(task.value()), soci::use(tries), soci::use(today), soci::use(t), soci::use(hash),
         soci::use(task.value()), soci::use(tries), soci::use(today), soci::use(t));
    for (auto& e : c.entries) {
      if (!e.send) continue;
      path = e.path;
      hash = Sha256Hex(e.desired);
      // Tries count per value: a new desired value starts again at 1.
      const auto h = c.history.find(e.path);
      const bool same = h != c.history.end() && h->second.value == hash;
      tries = (same ? h->second.tries_today : 0) + 1;
      upsert.execute(true);
      e.state = e.state == ComplianceState::kDrift ? ComplianceState::kDrift : ComplianceState::kPending;
      e.reason = e.state == ComplianceState::kDrift ? e.reason : "queued";
    }
    c.state = Overall(c.entries);
  }
  const std::string overall = c.entries.empty() ? "" : std::string(ToString(c.state));
  lease.sql() << "UPDATE devices SET desired_dirty = 0, compliance = :s WHERE id = :id", soci::use(overall),
      soci::use(device.value());
}

Result<DeviceCompliance> DesiredConfig::Compliance(const CompanyId& company, const DeviceId& device) const {
  auto lease = db_.Acquire();
  if (!detail::DeviceExists(lease, company, device)) return NotFound("device not found");
  return Evaluate(lease, device, nullptr);
}

Result<std::map<std::string, std::string>> DesiredConfig::Overrides(const CompanyId& company,
                                                                    const DeviceId& device) const {
  auto lease = db_.Acquire();
  std::string text;
  lease.sql() << "SELECT parameter_overrides FROM devices WHERE company_id = :c AND id = :id",
      soci::use(company.value()), soci::use(device.value()), soci::into(text);
  if (!lease.sql().got_data()) return NotFound("device not found");
  return ParseParameterMap(text);
}

Result<std::map<std::string, std::string>> DesiredConfig::SetOverrides(
    const CompanyId& company, const DeviceId& device,
    const std::map<std::string, std::string>& overrides) const {
  if (auto st = ValidateParameterMap(overrides, "parameters", profile_limits_); !st) return st.error();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!detail::DeviceExists(lease, company, device)) return NotFound("device not found");
  const std::string text = ParameterMapJson(overrides);
  lease.sql() << "UPDATE devices SET parameter_overrides = :o, desired_dirty = 1, desired_wake = 1 WHERE "
                 "company_id = :c AND id = :id",
      soci::use(text), soci::use(company.value()), soci::use(device.value());
  tx.Commit();
  return overrides;
}

Result<std::map<std::string, std::size_t>> DesiredConfig::ProfileCompliance(const CompanyId& company,
                                                                            const ProfileId& profile) const {
  auto lease = db_.Acquire();
  int exists = 0;
  lease.sql() << "SELECT COUNT(*) FROM device_profiles WHERE company_id = :c AND id = :p",
      soci::use(company.value()), soci::use(profile.value()), soci::into(exists);
  if (!exists) return NotFound("profile not found");
  std::map<std::string, std::size_t> counts{
      {"in_sync", 0}, {"pending", 0}, {"drift", 0}, {"failed", 0}, {"", 0}};
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << "SELECT compliance, COUNT(*) FROM devices WHERE company_id = :c AND profile_id = :p "
              "GROUP BY compliance",
       soci::use(company.value()), soci::use(profile.value()));
  for (const auto& r : rows) counts[r.get<std::string>(0)] += static_cast<std::size_t>(db::RowInteger(r, 1));
  return counts;
}

void DesiredConfig::SetTaskEnded(db::Lease& lease, const Task& task) {
  // A firmware download that ended changes how the device stands against its baseline.
  if (std::holds_alternative<task::Download>(task.request)) {
    lease.sql() << "UPDATE devices SET desired_dirty = 1 WHERE id = :id", soci::use(task.device_id.value());
    return;
  }
  const auto* set = std::get_if<task::SetParameterValues>(&task.request);
  if (!set || set->purpose != task::SetPurpose::kProfile) return;
  const std::string outcome = task.state == TaskState::kDone ? "done" : "failed";
  const std::optional<std::string> error = task.error.empty() ? std::nullopt : std::optional(task.error);
  lease.sql()
      << "UPDATE desired_parameter_state SET outcome = :o, fault_code = :f, error = :e WHERE task_id = :t "
         "AND outcome = 'queued'",
      soci::use(outcome), soci::use(task.fault_code), soci::use(error), soci::use(task.id.value());
  // Compare again at the device's next session (a failure may be worth another try, or say why).
  lease.sql() << "UPDATE devices SET desired_dirty = 1 WHERE id = :id", soci::use(task.device_id.value());
}

std::size_t DesiredConfig::RecheckUnsettled() const {
  auto lease = db_.Acquire();
  soci::statement st =
      (lease.sql().prepare << "UPDATE devices SET desired_dirty = 1 WHERE compliance IN ('drift', "
                              "'failed') AND desired_dirty = 0");
  st.execute(true);
  return static_cast<std::size_t>(db::AffectedRows(st));
}

std::vector<std::pair<CompanyId, DeviceId>> DesiredConfig::TakeWakes(std::size_t limit) const {
  auto lease = db_.Acquire();
  const long long now = ToUnixMillis(clock_.Now());
  const int n = static_cast<int>(limit);
  std::vector<std::tuple<std::string, std::string, long long>> rows;
  // Read first: the device sweep asks every few seconds, and mostly no edit is waiting.
  {
    soci::rowset<soci::row> rs =
        (lease.sql().prepare << "SELECT id, company_id, online_until FROM devices WHERE "
                                "desired_wake = 1 LIMIT :n",
         soci::use(n));
    for (const auto& r : rs)
      rows.emplace_back(r.get<std::string>(0), r.get<std::string>(1), db::RowInteger(r, 2));
  }
  std::vector<std::pair<CompanyId, DeviceId>> online;
  if (rows.empty()) return online;
  db::WriteTransaction tx(lease);
  std::string id;
  soci::statement clear = (lease.sql().prepare << "UPDATE devices SET desired_wake = 0 WHERE id = :id AND "
                                                  "desired_wake = 1",
                           soci::use(id));
  for (const auto& [device, company, until] : rows) {
    id = device;
    clear.execute(true);
    // Each once: a device another sweep took meanwhile is left to it.
    if (db::AffectedRows(clear) == 1 && until > now)
      online.emplace_back(CompanyId{company}, DeviceId{device});
  }
  tx.Commit();
  return online;
}

}  // namespace kanri::devices
