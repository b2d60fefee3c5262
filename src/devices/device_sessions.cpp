#include "devices/device_sessions.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "base/crypto.h"
#include "base/log.h"
#include "devices/device_query.h"
#include "devices/parameter_tree.h"
#include "devices/tasks.h"

namespace kanri::devices {
namespace {

namespace json = boost::json;

long long Ms(Timestamp t) {
  return ToUnixMillis(t);
}

std::string EventsJson(const std::vector<InformEvent>& events) {
  json::array a;
  for (const auto& e : events) a.emplace_back(json::string(e.code));
  return json::serialize(a);
}

bool HasEvent(const std::vector<InformEvent>& events, std::string_view code) {
  return std::any_of(events.begin(), events.end(), [&](const InformEvent& e) { return e.code == code; });
}

std::string InformDigest(const InformFacts& inform) {
  std::string text = inform.manufacturer + '\n';
  std::vector<const Parameter*> sorted;
  for (const auto& p : inform.parameters) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->path < b->path; });
  for (const auto* p : sorted) {
    text += p->path;
    text += '\0';
    text += p->value;
    text += '\0';
    text += p->type;
    text += '\n';
  }
  return Sha256Hex(text);
}

std::string Root(DataModel model) {
  return model == DataModel::kTr098 ? "InternetGatewayDevice." : "Device.";
}

std::vector<std::string> ParseTags(const std::string& text) {
  std::vector<std::string> tags;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (!ec && v.is_array())
    for (const auto& t : v.as_array())
      if (t.is_string()) tags.emplace_back(t.as_string());
  return tags;
}

Task ReadTask(const soci::row& r) {
  // Columns in kTaskColumns order.
  Task t;
  t.id = TaskId{r.get<std::string>(0)};
  t.company_id = CompanyId{r.get<std::string>(1)};
  t.device_id = DeviceId{r.get<std::string>(2)};
  if (r.get_indicator(3) != soci::i_null) t.job_id = JobId{r.get<std::string>(3)};
  t.type = ParseTaskType(r.get<std::string>(4)).value_or(TaskType::kGetParameterValues);
  t.request = r.get<std::string>(5);
  t.state = ParseTaskState(r.get<std::string>(6)).value_or(TaskState::kQueued);
  if (r.get_indicator(7) != soci::i_null) t.result = r.get<std::string>(7);
  if (r.get_indicator(8) != soci::i_null) t.fault_code = r.get<int>(8);
  if (r.get_indicator(9) != soci::i_null) t.fault_string = r.get<std::string>(9);
  if (r.get_indicator(10) != soci::i_null) t.error = r.get<std::string>(10);
  t.command_key = r.get<std::string>(11);
  t.internal = r.get<int>(12) != 0;
  if (r.get_indicator(13) != soci::i_null) t.created_by = AccountId{r.get<std::string>(13)};
  t.created_by_login = r.get<std::string>(14);
  t.created_at = FromUnixMillis(r.get<long long>(15));
  if (r.get_indicator(16) != soci::i_null) t.started_at = FromUnixMillis(r.get<long long>(16));
  if (r.get_indicator(17) != soci::i_null) t.finished_at = FromUnixMillis(r.get<long long>(17));
  t.expires_at = FromUnixMillis(r.get<long long>(18));
  return t;
}

constexpr const char* kTaskColumns =
    "id, company_id, device_id, job_id, type, request, state, result, fault_code, fault_string, error, "
    "command_key, internal, created_by, created_by_login, created_at, started_at, finished_at, expires_at";

std::optional<Task> LoadTask(db::Lease& lease, const std::string& id) {
  soci::row r;
  lease.sql() << std::string("SELECT ") + kTaskColumns + " FROM tasks WHERE id = :id", soci::use(id),
      soci::into(r);
  if (!lease.sql().got_data()) return std::nullopt;
  return ReadTask(r);
}

void InsertInternalTask(db::Lease& lease, const CompanyId& company, const DeviceId& device, TaskType type,
                        const std::string& request, Timestamp now, Millis expiry) {
  const std::string id = TaskId::Generate().value();
  const std::string type_name(ToString(type));
  const std::string command_key = NewCommandKey();
  const long long seq = NextTaskSeq(lease, device), t = Ms(now), expires = Ms(now + expiry);
  lease.sql()
      << "INSERT INTO tasks (id, company_id, device_id, job_id, seq, type, request, state, command_key, "
         "internal, created_by, created_by_login, created_at, expires_at) VALUES (:id, :c, :d, NULL, :seq, "
         ":type, :req, 'queued', :ck, 1, NULL, 'kanri', :t, :e)",
      soci::use(id), soci::use(company.value()), soci::use(device.value()), soci::use(seq),
      soci::use(type_name), soci::use(request), soci::use(command_key), soci::use(t), soci::use(expires);
}

// Whether the device has a queued task: one indexed look-up, prepared once per connection.
bool AnyQueued(db::Lease& lease, const DeviceId& device) {
  struct Query : db::CachedStatement {
    std::string device;
    int found = 0;
    soci::statement statement;
    explicit Query(soci::session& sql)
        : statement((sql.prepare << "SELECT COUNT(*) FROM tasks WHERE device_id = :d AND state = 'queued'",
                     soci::use(device), soci::into(found))) {}
  };
  auto& q = lease.Cached<Query>("device_sessions.any_queued",
                                [](soci::session& sql) { return std::make_unique<Query>(sql); });
  q.device = device.value();
  q.found = 0;
  q.statement.execute(true);
  db::FinishRead(lease.backend(), q.statement);
  return q.found > 0;
}

}  // namespace

DataModel DataModelOf(const std::vector<Parameter>& parameters) {
  for (const auto& p : parameters) {
    if (p.path.starts_with("InternetGatewayDevice.")) return DataModel::kTr098;
    if (p.path.starts_with("Device.")) return DataModel::kTr181;
  }
  return DataModel::kTr181;
}

ReportedSummary SummaryOf(const ParameterTree& tree) {
  ReportedSummary s;
  const bool tr098 = !tree.List("InternetGatewayDevice.").empty();
  s.data_model = tr098 ? DataModel::kTr098 : DataModel::kTr181;
  const std::string root = Root(s.data_model);
  auto value = [&](const std::string& path) {
    auto p = tree.Find(root + path);
    return p ? p->value : std::string();
  };
  s.manufacturer = value("DeviceInfo.Manufacturer");
  s.model = value("DeviceInfo.ModelName");
  s.hardware_version = value("DeviceInfo.HardwareVersion");
  s.software_version = value("DeviceInfo.SoftwareVersion");
  s.connection_request_url = value("ManagementServer.ConnectionRequestURL");
  if (auto interval = value("ManagementServer.PeriodicInformInterval"); !interval.empty()) {
    try {
      const unsigned long v = std::stoul(interval);
      if (v > 0 && v <= 7 * 24 * 3600) s.periodic_inform_interval = static_cast<std::uint32_t>(v);
    } catch (const std::exception&) {
    }
  }
  // The WAN address: the first non-empty external address of any WAN connection (TR-098)
  // or IPv4 address of any IP interface (TR-181), as the device lists them.
  for (const auto& p : tree.List(root + (tr098 ? "WANDevice." : "IP.Interface."))) {
    const bool match =
        tr098 ? p.path.ends_with(".ExternalIPAddress")
              : (p.path.ends_with(".IPAddress") && p.path.find(".IPv4Address.") != std::string::npos);
    if (match && !p.value.empty() && p.value != "0.0.0.0") {
      s.wan_ip = p.value;
      break;
    }
  }
  return s;
}

DeviceSessions::DeviceSessions(db::Database& db, const Clock& clock, const DeviceSecrets& secrets,
                               const AllocationRepository& allocations, const ProfileRepository& profiles,
                               RefusalRecorder refusals, SessionSettings settings, std::string node_id)
    : db_(db),
      clock_(clock),
      secrets_(secrets),
      allocations_(allocations),
      profiles_(profiles),
      refusals_(std::move(refusals)),
      settings_(settings),
      node_id_(std::move(node_id)),
      contacts_(db, {.interval = settings.contact_write_interval}) {}

Admission DeviceSessions::Admit(const InformFacts& inform, const CredentialCheck& check) {
  if (auto periodic = AdmitPeriodic(inform, check)) return *periodic;
  // Everything is read first, without a transaction: an Inform that is refused (an unknown or
  // foreign identity, a wrong credential) costs reads only. The write transaction comes after
  // the decision, and checks that the device row it decided on is still as read.
  const Ownership facts = ReadOwnership(inform);
  Admission a;
  const bool same_owner = facts.known && facts.coverage.kind == Coverage::Kind::kOne &&
                          facts.coverage.company.value() == facts.known->company_id;
  if (same_owner) {
    a = AdmitKnown(facts, inform, check);
  } else {
    std::optional<Admission::Detached> detached;
    if (facts.known) {
      // The provider's allocation no longer gives the device to its company: it leaves it (a
      // record in that company's history) and is judged as a new device below.
      detached =
          Detach(*facts.known, facts.coverage.kind == Coverage::Kind::kNone ? "unallocated" : "reallocated");
      if (!detached) {
        a.result = AdmitResult::kBusy;
        a.reason = "the device changed meanwhile";
        return a;
      }
    }
    a = AdmitNew(facts, inform, check);
    a.detached = std::move(detached);
  }
  // Kept in memory and written with others (RefusedDeviceRepository).
  if (a.refusal && refusals_) refusals_(*a.refusal);
  return a;
}

DeviceSessions::Ownership DeviceSessions::ReadOwnership(const InformFacts& inform) {
  auto lease = db_.Acquire();
  Ownership f;
  soci::row r;
  lease.sql()
      << "SELECT id, company_id, auth_mode, credential_state, cwmp_username, cwmp_password_enc, "
         "pending_password_enc, profile_id, data_model FROM devices WHERE oui = :o AND product_class = :p "
         "AND serial_number = :s",
      soci::use(inform.oui), soci::use(inform.product_class), soci::use(inform.serial_number), soci::into(r);
  if (lease.sql().got_data()) {
    Known k{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2),
            r.get<std::string>(3), r.get<std::string>(4), r.get<std::string>(5),
            r.get<std::string>(8), std::nullopt,          std::nullopt};
    if (r.get_indicator(6) != soci::i_null) k.pending_enc = r.get<std::string>(6);
    if (r.get_indicator(7) != soci::i_null) k.profile_id = r.get<std::string>(7);
    f.known = std::move(k);
  }
  f.coverage = allocations_.Cover(lease, inform.oui, inform.product_class, inform.serial_number);
  // The same reads whatever was found (an empty id finds nothing), so that the time an answer
  // takes tells no more than the answer (SEC-8).
  const CompanyId owner = f.coverage.kind == Coverage::Kind::kOne ? f.coverage.company : CompanyId{};
  int allow = 0;
  lease.sql() << "SELECT allow_unauthenticated_devices FROM companies WHERE id = :c",
      soci::use(owner.value()), soci::into(allow);
  f.allow_unauthenticated = allow != 0;
  f.profiles =
      profiles_.MatchingProfiles(lease, owner, inform.oui, inform.product_class, inform.serial_number);
  const std::string known_id = f.known && HasEvent(inform.events, "0 BOOTSTRAP") ? f.known->id : "";
  lease.sql()
      << "SELECT COUNT(*) FROM tasks WHERE device_id = :d AND type = 'factoryReset' AND state = 'running'",
      soci::use(known_id), soci::into(f.awaited_factory_resets);
  return f;
}

RefusedDevice DeviceSessions::Refusal(const InformFacts& inform, std::string reason) const {
  const Timestamp now = clock_.Now();
  return RefusedDevice{
      "",  inform.oui, inform.product_class, inform.serial_number, inform.source_ip, std::move(reason), 1,
      now, now};
}

Admission DeviceSessions::AdmitKnown(const Ownership& f, const InformFacts& inform,
                                     const CredentialCheck& check) {
  const Known& known = *f.known;
  Admission a;
  a.device_id = DeviceId{known.id};
  a.company_id = CompanyId{known.company_id};
  a.data_model = known.data_model == "tr098" ? DataModel::kTr098 : DataModel::kTr181;
  auto deny = [&](std::string reason, std::string listed_as) {
    a.result = AdmitResult::kUnauthenticated;
    a.reason = std::move(reason);
    if (!listed_as.empty()) a.refusal = Refusal(inform, std::move(listed_as));
    return a;
  };
  if (known.auth_mode == "none" && !f.allow_unauthenticated)
    return deny("the company no longer allows unauthenticated devices", "unauthenticated_not_allowed");
  bool accepted = known.auth_mode == "none";
  bool promote = false;
  std::optional<Profile> reprovision_with;
  if (!accepted && check) {
    auto current = secrets_.Open(known.password_enc);
    accepted = current && check(known.username, *current);
    if (!accepted && known.pending_enc) {
      // The device took its new credential but the confirmation was lost.
      auto pending = secrets_.Open(*known.pending_enc);
      accepted = promote = pending && check(known.username, *pending);
    }
    if (!accepted && f.awaited_factory_resets > 0 && known.profile_id) {
      // After a factory reset Kanri asked for, the device is back with its bootstrap
      // credential: accept it once and provision the device again.
      for (const auto& p : f.profiles)
        if (p.id.value() == *known.profile_id && check(p.auth_username, p.auth_password)) {
          accepted = true;
          reprovision_with = p;
          break;
        }
    }
  }
  if (!accepted) return deny(check ? "wrong credential" : "no credential", check ? "bad_credentials" : "");

  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!StillOwnedBy(lease, a.device_id, a.company_id)) {
    a.result = AdmitResult::kBusy;
    a.reason = "the device changed meanwhile";
    return a;
  }
  if (promote) {
    ConfirmCredentialsOn(lease, a.device_id);
    a.credentials_promoted = true;
  }
  if (reprovision_with) {
    const Profile& profile = *reprovision_with;
    const std::string state = profile.auth_mode == AuthMode::kRotate ? "bootstrap" : "shared";
    const std::string enc = secrets_.Seal(profile.auth_password);
    lease.sql()
        << "UPDATE devices SET cwmp_password_enc = :p, pending_password_enc = NULL, credential_state = "
           ":s, provisioned = 0 WHERE id = :id",
        soci::use(enc), soci::use(state), soci::use(known.id);
    QueueProvisioning(lease, a.device_id, a.company_id, profile, DataModelOf(inform.parameters));
  }
  RecordInform(lease, a.device_id, inform, reprovision_with.has_value(), a);
  if (a.result == AdmitResult::kAdmitted) tx.Commit();
  return a;
}

Admission DeviceSessions::AdmitNew(const Ownership& f, const InformFacts& inform,
                                   const CredentialCheck& check) {
  Admission a;
  auto refuse = [&](std::string reason) {
    a.result = AdmitResult::kRefused;
    a.reason = reason;
    a.refusal = Refusal(inform, std::move(reason));
    return a;
  };
  // DEV-1: the provider's allocation decides the company; exactly one best profile of that
  // company decides the configuration and the credential.
  if (f.coverage.kind == Coverage::Kind::kNone) return refuse("unallocated");
  if (f.coverage.kind == Coverage::Kind::kConflict) return refuse("overlap");
  if (f.profiles.empty()) return refuse("no_profile");
  if (f.profiles.size() > 1 && ProfileRepository::Specificity(f.profiles[0].match) ==
                                   ProfileRepository::Specificity(f.profiles[1].match))
    return refuse("ambiguous");
  const Profile& profile = f.profiles.front();
  if (profile.auth_mode == AuthMode::kNone && !f.allow_unauthenticated)
    return refuse("unauthenticated_not_allowed");
  // A device the provider moved from another company keeps the unique credential Kanri gave it
  // (never known to that company) until its new company's profile rotates it again.
  std::optional<std::pair<std::string, std::string>> carried;
  if (f.known && f.known->credential_state == "rotated" && profile.auth_mode == AuthMode::kRotate && check) {
    auto current = secrets_.Open(f.known->password_enc);
    if (current && check(f.known->username, *current)) carried = std::make_pair(f.known->username, *current);
  }
  if (profile.auth_mode != AuthMode::kNone && !carried &&
      (!check || !check(profile.auth_username, profile.auth_password))) {
    a.result = AdmitResult::kUnauthenticated;
    a.reason = check ? "wrong bootstrap credential" : "no credential";
    if (check) a.refusal = Refusal(inform, "bad_credentials");
    return a;
  }

  a.device_id = DeviceId::Generate();
  a.company_id = profile.company_id;
  a.data_model = DataModelOf(inform.parameters);
  a.onboarded = true;
  const std::string id = a.device_id.value(), company = a.company_id.value(), profile_id = profile.id.value();
  const std::string mode(ToString(profile.auth_mode));
  const std::string state = profile.auth_mode == AuthMode::kRotate   ? "bootstrap"
                            : profile.auth_mode == AuthMode::kShared ? "shared"
                                                                     : "none";
  const std::string username = carried ? carried->first : profile.auth_username;
  const std::string password_enc = secrets_.Seal(carried ? carried->second : profile.auth_password);
  const std::string model(ToString(a.data_model));
  const std::string empty, empty_tags = "[]", no_events = "[]";
  const std::string cr_username = "kanri-" + RandomToken(9);
  const std::string cr_password_enc = secrets_.Seal("");
  const long long t = Ms(clock_.Now()), zero = 0;
  const int interval = static_cast<int>(settings_.default_inform_interval);
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  int taken = 0;
  lease.sql() << "SELECT COUNT(*) FROM devices WHERE oui = :o AND product_class = :p AND serial_number = :s",
      soci::use(inform.oui), soci::use(inform.product_class), soci::use(inform.serial_number),
      soci::into(taken);
  if (taken > 0) {  // another session attached it meanwhile
    a.result = AdmitResult::kBusy;
    a.reason = "the device was attached meanwhile";
    a.onboarded = false;
    return a;
  }
  lease.sql()
      << "INSERT INTO devices (id, company_id, profile_id, oui, product_class, serial_number, manufacturer, "
         "model, hardware_version, software_version, data_model, first_contact_at, last_contact_at, "
         "last_events, periodic_inform_interval, online_until, wan_ip, source_ip, connection_request_url, "
         "tags, search_text, inform_digest, auth_mode, credential_state, cwmp_username, cwmp_password_enc, "
         "cr_username, cr_password_enc, provisioned, session_owner, session_until, created_at, updated_at) "
         "VALUES (:id, :c, :p, :o, :pc, :s, :m, '', '', '', :dm, :t1, :t2, :ev, :iv, :ou, '', :ip, '', "
         ":tags, "
         ":st, '', :am, :cs, :u, :pw, :cru, :crp, 1, '', :z, :t3, :t4)",
      soci::use(id), soci::use(company), soci::use(profile_id), soci::use(inform.oui),
      soci::use(inform.product_class), soci::use(inform.serial_number), soci::use(inform.manufacturer),
      soci::use(model), soci::use(t), soci::use(t), soci::use(no_events), soci::use(interval), soci::use(t),
      soci::use(inform.source_ip), soci::use(empty_tags), soci::use(empty), soci::use(mode), soci::use(state),
      soci::use(username), soci::use(password_enc), soci::use(cr_username), soci::use(cr_password_enc),
      soci::use(zero), soci::use(t), soci::use(t);
  lease.sql()
      << "INSERT INTO device_parameters (device_id, company_id, tree, updated_at) VALUES (:d, :c, '{}', :t)",
      soci::use(id), soci::use(company), soci::use(t);
  // No longer refused: it leaves the site administrators' list.
  lease.sql() << "DELETE FROM refused_devices WHERE oui = :o AND product_class = :p AND serial_number = :s",
      soci::use(inform.oui), soci::use(inform.product_class), soci::use(inform.serial_number);
  QueueProvisioning(lease, a.device_id, a.company_id, profile, a.data_model);
  RecordInform(lease, a.device_id, inform, true, a);
  if (a.result == AdmitResult::kAdmitted) tx.Commit();
  return a;
}

bool DeviceSessions::StillOwnedBy(db::Lease& lease, const DeviceId& device, const CompanyId& company) {
  int n = 0;
  lease.sql() << "SELECT COUNT(*) FROM devices WHERE id = :id AND company_id = :c", soci::use(device.value()),
      soci::use(company.value()), soci::into(n);
  return n > 0;
}

std::optional<Admission::Detached> DeviceSessions::Detach(const Known& known, std::string reason) {
  const DeviceId device{known.id};
  const CompanyId company{known.company_id};
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!StillOwnedBy(lease, device, company)) return std::nullopt;
  detail::DeleteDeviceRows(lease, company, device);
  tx.Commit();
  LogInfo("cwmp: device detached from its company", {{"device", known.id}, {"reason", reason}});
  return Admission::Detached{device, company, std::move(reason)};
}

bool DeviceSessions::TouchDevice(db::Lease& lease, const Contact& c) {
  struct Touch : db::CachedStatement {
    long long t = 0, online_until = 0, lease_until = 0;
    std::string events, ip, node, id;
    soci::statement statement;
    explicit Touch(soci::session& sql)
        : statement((sql.prepare
                         << "UPDATE devices SET last_contact_at = :t, online_until = :ou, last_events = :ev, "
                            "source_ip = :ip, session_owner = :n, session_until = :su, updated_at = :t2 "
                            "WHERE id = :id AND (session_until < :t3 OR session_owner = :n2)",
                     soci::use(t), soci::use(online_until), soci::use(events), soci::use(ip), soci::use(node),
                     soci::use(lease_until), soci::use(t), soci::use(id), soci::use(t), soci::use(node))) {}
  };
  auto& q = lease.Cached<Touch>("device_sessions.touch",
                                [](soci::session& sql) { return std::make_unique<Touch>(sql); });
  q.t = c.t;
  q.online_until = c.online_until;
  q.lease_until = c.lease_until;
  q.events = c.events;
  q.ip = c.source_ip;
  q.node = node_id_;
  q.id = c.device_id;
  q.statement.execute(true);
  return q.statement.get_affected_rows() > 0;
}

std::optional<Admission> DeviceSessions::AdmitPeriodic(const InformFacts& inform,
                                                       const CredentialCheck& check) {
  // Only a known device's periodic or connection-request Inform that reports what it reported
  // last time; everything else takes the full path in one transaction.
  if (inform.events.empty()) return std::nullopt;
  for (const auto& e : inform.events)
    if (e.code != "2 PERIODIC" && e.code != "6 CONNECTION REQUEST") return std::nullopt;
  Admission a;
  Contact contact;
  {
    auto lease = db_.Acquire();
    // One read: the device, what it is accepted with, and whether a task waits for it.
    struct Known : db::CachedStatement {
      std::string oui, product_class, serial;
      std::string id, company, auth_mode, username, password_enc, pending_enc, data_model, digest;
      soci::indicator pending_ind = soci::i_null;
      int interval = 0, queued = 0, allow_unauthenticated = 0;
      soci::statement statement;
      explicit Known(soci::session& sql)
          : statement(
                (sql.prepare << "SELECT d.id, d.company_id, d.auth_mode, d.cwmp_username, "
                                "d.cwmp_password_enc, d.pending_password_enc, d.data_model, d.inform_digest, "
                                "d.periodic_inform_interval, CASE WHEN EXISTS (SELECT 1 FROM tasks t "
                                "WHERE t.device_id = d.id AND t.state = 'queued') THEN 1 ELSE 0 END, "
                                "c.allow_unauthenticated_devices FROM devices d JOIN companies c ON c.id = "
                                "d.company_id WHERE d.oui = :o AND d.product_class = :p AND "
                                "d.serial_number = :s",
                 soci::use(oui), soci::use(product_class), soci::use(serial), soci::into(id),
                 soci::into(company), soci::into(auth_mode), soci::into(username), soci::into(password_enc),
                 soci::into(pending_enc, pending_ind), soci::into(data_model), soci::into(digest),
                 soci::into(interval), soci::into(queued), soci::into(allow_unauthenticated))) {}
    };
    auto& q = lease.Cached<Known>("device_sessions.known",
                                  [](soci::session& sql) { return std::make_unique<Known>(sql); });
    q.oui = inform.oui;
    q.product_class = inform.product_class;
    q.serial = inform.serial_number;
    const bool found = q.statement.execute(true);
    db::FinishRead(lease.backend(), q.statement);
    if (!found) return std::nullopt;
    if (q.pending_ind != soci::i_null) return std::nullopt;  // a rotation to confirm
    if (q.digest != InformDigest(inform)) return std::nullopt;
    // A device without a credential only while the provider's lab setting allows it.
    if (q.auth_mode == "none" && !q.allow_unauthenticated) return std::nullopt;
    if (q.auth_mode != "none") {
      auto password = secrets_.Open(q.password_enc);
      if (!check || !password || !check(q.username, *password)) return std::nullopt;
    }
    a.device_id = DeviceId{q.id};
    a.company_id = CompanyId{q.company};
    a.data_model = q.data_model == "tr098" ? DataModel::kTr098 : DataModel::kTr181;
    a.has_queued_tasks = q.queued != 0;
    const Timestamp now = clock_.Now();
    contact.device_id = a.device_id.value();
    contact.t = Ms(now);
    contact.online_until =
        Ms(now + std::chrono::seconds{2LL * std::max(q.interval, 1)} + settings_.online_margin);
    contact.lease_until = Ms(now + settings_.lease);
    contact.events = EventsJson(inform.events);
    contact.source_ip = inform.source_ip;
  }
  a.result = AdmitResult::kAdmitted;
  if (!a.has_queued_tasks) {
    // A session that runs nothing needs no lease (the lease keeps two sessions from running
    // one device's tasks): its contact is written behind, with others.
    contacts_.Record(std::move(contact));
    return a;
  }
  // Tasks to run: the lease, taken with the contact in one small transaction.
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!TouchDevice(lease, contact)) {
    a.result = AdmitResult::kBusy;
    a.reason = "another session holds the device";
    return a;
  }
  tx.Commit();
  return a;
}

void DeviceSessions::QueueProvisioning(db::Lease& lease, const DeviceId& device, const CompanyId& company,
                                       const std::optional<Profile>& profile, DataModel model) {
  const Timestamp now = clock_.Now();
  const Millis expiry = std::chrono::hours{24 * 7};
  const std::string root = Root(model);
  // 1. Credentials: a unique management password (rotate) and connection-request
  //    credentials, generated now and kept pending until the device confirms them.
  const bool rotate = profile && profile->auth_mode == AuthMode::kRotate;
  const std::optional<std::string> pending =
      rotate ? std::optional(secrets_.Seal(RandomToken(18))) : std::optional<std::string>();
  const std::string pending_cr = secrets_.Seal(RandomToken(18));
  const std::string state =
      rotate ? "rotating" : (profile && profile->auth_mode == AuthMode::kNone ? "none" : "shared");
  lease.sql()
      << "UPDATE devices SET pending_password_enc = :p, pending_cr_password_enc = :cr, credential_state = :s "
         "WHERE id = :id",
      soci::use(pending), soci::use(pending_cr), soci::use(state), soci::use(device.value());
  InsertInternalTask(lease, company, device, TaskType::kSetParameterValues, R"({"purpose":"credentials"})",
                     now, expiry);
  // 2. The profile's parameters and inform interval.
  if (profile) {
    json::object values;
    for (const auto& [path, value] : profile->parameters) values[path] = value;
    if (profile->periodic_inform_interval) {
      values[root + "ManagementServer.PeriodicInformEnable"] = "true";
      values[root + "ManagementServer.PeriodicInformInterval"] =
          std::to_string(*profile->periodic_inform_interval);
    }
    if (!values.empty()) {
      json::object request{{"values", std::move(values)}, {"purpose", "profile"}};
      InsertInternalTask(lease, company, device, TaskType::kSetParameterValues, json::serialize(request), now,
                         expiry);
    }
  }
  // 3. The full parameter tree: names (with writability), then values.
  InsertInternalTask(lease, company, device, TaskType::kGetParameterNames,
                     json::serialize(json::object{{"path", root}, {"next_level", false}}), now, expiry);
  InsertInternalTask(lease, company, device, TaskType::kGetParameterValues,
                     json::serialize(json::object{{"names", json::array{json::string(root)}}}), now, expiry);
}

void DeviceSessions::RecordInform(db::Lease& lease, const DeviceId& device, const InformFacts& inform,
                                  bool force_write, Admission& admission) {
  const Timestamp now = clock_.Now();
  const std::string id = device.value();
  const std::string digest = InformDigest(inform);
  std::string stored_digest;
  int interval = 0;
  lease.sql() << "SELECT inform_digest, periodic_inform_interval FROM devices WHERE id = :id", soci::use(id),
      soci::into(stored_digest), soci::into(interval);
  const long long t = Ms(now), lease_until = Ms(now + settings_.lease);
  const std::string events = EventsJson(inform.events);
  if (force_write || digest != stored_digest) {
    std::string tree_text;
    lease.sql() << "SELECT tree FROM device_parameters WHERE device_id = :id", soci::use(id),
        soci::into(tree_text);
    ParameterTree tree = ParameterTree::Parse(tree_text);
    for (const auto& p : inform.parameters) tree.SetValue(p.path, p.value, p.type);
    interval = SaveTreeAndSummary(lease, device, tree);
    lease.sql() << "UPDATE devices SET inform_digest = :d, manufacturer = CASE WHEN manufacturer = '' THEN "
                   "CAST(:m AS TEXT) ELSE "
                   "manufacturer END WHERE id = :id",
        soci::use(digest), soci::use(inform.manufacturer), soci::use(id);
  }
  // One small update: the contact, and the session lease unless another node's session holds
  // the device.
  const long long online_until =
      Ms(now + std::chrono::seconds{2LL * std::max(interval, 1)} + settings_.online_margin);
  if (!TouchDevice(lease, {{id, t, online_until, events, inform.source_ip}, lease_until})) {
    admission.result = AdmitResult::kBusy;
    admission.reason = "another session holds the device";
    return;
  }
  admission.result = AdmitResult::kAdmitted;

  if (HasEvent(inform.events, "1 BOOT")) {
    lease.sql() << "UPDATE devices SET last_boot_at = :t WHERE id = :id", soci::use(t), soci::use(id);
  }
  // A reboot or factory reset Kanri asked for is done once the device is back.
  auto finish_awaited = [&](std::string_view type, const std::optional<std::string>& command_key) {
    std::vector<std::string> ids;
    const std::string type_name(type);
    soci::rowset<std::string> rs =
        (lease.sql().prepare
             << "SELECT id FROM tasks WHERE device_id = :d AND type = :t AND state = 'running' "
                "ORDER BY seq",
         soci::use(id), soci::use(type_name));
    for (const auto& task_id : rs) ids.push_back(task_id);
    for (const auto& task_id : ids) {
      auto task = LoadTask(lease, task_id);
      if (!task || (command_key && task->command_key != *command_key)) continue;
      lease.sql()
          << "UPDATE tasks SET state = 'done', result = '{}', finished_at = :t WHERE id = :id AND state = "
             "'running'",
          soci::use(t), soci::use(task_id);
      task->state = TaskState::kDone;
      task->result = "{}";
      task->finished_at = now;
      admission.finished_tasks.push_back(std::move(*task));
    }
  };
  for (const auto& e : inform.events)
    if (e.code == "M Reboot") finish_awaited("reboot", e.command_key);
  if (HasEvent(inform.events, "0 BOOTSTRAP")) finish_awaited("factoryReset", std::nullopt);
  admission.has_queued_tasks = AnyQueued(lease, device);
}

int DeviceSessions::SaveTreeAndSummary(db::Lease& lease, const DeviceId& device, ParameterTree& tree) {
  const ReportedSummary s = SummaryOf(tree);
  const std::string id = device.value();
  const long long t = Ms(clock_.Now());
  // The summary columns as stored: they are written only when the tree changed one of them (an
  // Inform's new UpTime changes none), so their indexes are not rewritten on every Inform.
  std::string serial, tags_json, manufacturer, model, hardware, software, data_model, wan_ip, cr_url, search;
  int stored_interval = 0;
  lease.sql() << "SELECT serial_number, tags, manufacturer, model, hardware_version, software_version, "
                 "data_model, wan_ip, connection_request_url, periodic_inform_interval, search_text FROM "
                 "devices WHERE id = :id",
      soci::use(id), soci::into(serial), soci::into(tags_json), soci::into(manufacturer), soci::into(model),
      soci::into(hardware), soci::into(software), soci::into(data_model), soci::into(wan_ip),
      soci::into(cr_url), soci::into(stored_interval), soci::into(search);
  const std::string new_search = SearchText(serial, s.model, s.software_version, ParseTags(tags_json));
  const std::string new_data_model(ToString(s.data_model));
  const int interval =
      s.periodic_inform_interval ? static_cast<int>(*s.periodic_inform_interval) : stored_interval;
  const bool changed = (!s.manufacturer.empty() && s.manufacturer != manufacturer) || s.model != model ||
                       s.hardware_version != hardware || s.software_version != software ||
                       new_data_model != data_model || s.wan_ip != wan_ip ||
                       s.connection_request_url != cr_url || interval != stored_interval ||
                       new_search != search;
  if (changed) {
    const std::string new_manufacturer = s.manufacturer.empty() ? manufacturer : s.manufacturer;
    lease.sql() << "UPDATE devices SET manufacturer = :m, model = :mo, hardware_version = :hw, "
                   "software_version = :sw, data_model = :dm, wan_ip = :wan, connection_request_url = :cr, "
                   "periodic_inform_interval = :iv, search_text = :st, updated_at = :t WHERE id = :id",
        soci::use(new_manufacturer), soci::use(s.model), soci::use(s.hardware_version),
        soci::use(s.software_version), soci::use(new_data_model), soci::use(s.wan_ip),
        soci::use(s.connection_request_url), soci::use(interval), soci::use(new_search), soci::use(t),
        soci::use(id);
  }
  const std::string text = tree.Serialize();
  lease.sql() << "UPDATE device_parameters SET tree = :tree, updated_at = :t WHERE device_id = :id",
      soci::use(text), soci::use(t), soci::use(id);
  return interval;
}

void DeviceSessions::RenewLease(const DeviceId& device) {
  auto lease = db_.Acquire();
  const long long until = Ms(clock_.Now() + settings_.lease);
  lease.sql() << "UPDATE devices SET session_until = :u WHERE id = :id AND session_owner = :n",
      soci::use(until), soci::use(device.value()), soci::use(node_id_);
}

void DeviceSessions::ReleaseLease(const DeviceId& device) {
  auto lease = db_.Acquire();
  lease.sql() << "UPDATE devices SET session_until = 0 WHERE id = :id AND session_owner = :n",
      soci::use(device.value()), soci::use(node_id_);
}

std::optional<Task> DeviceSessions::StartNextTask(const DeviceId& device) {
  auto lease = db_.Acquire();
  const Timestamp now = clock_.Now();
  const long long t = Ms(now);
  // Cheap check first: most periodic sessions find nothing queued.
  if (!AnyQueued(lease, device)) return std::nullopt;
  db::WriteTransaction tx(lease);
  for (int guard = 0; guard < 1000; ++guard) {
    soci::row r;
    lease.sql() << std::string("SELECT ") + kTaskColumns +
                       " FROM tasks WHERE device_id = :d AND state = 'queued' ORDER BY seq LIMIT 1",
        soci::use(device.value()), soci::into(r);
    if (!lease.sql().got_data()) {
      tx.Commit();
      return std::nullopt;
    }
    Task task = ReadTask(r);
    const std::string id = task.id.value();
    if (task.expires_at <= now) {
      lease.sql() << "UPDATE tasks SET state = 'failed', error = 'timeout', finished_at = :t WHERE id = :id",
          soci::use(t), soci::use(id);
      continue;
    }
    lease.sql() << "UPDATE tasks SET state = 'running', started_at = :t WHERE id = :id", soci::use(t),
        soci::use(id);
    tx.Commit();
    task.state = TaskState::kRunning;
    task.started_at = now;
    return task;
  }
  tx.Commit();
  return std::nullopt;
}

std::optional<Task> DeviceSessions::FinishTask(const TaskId& task, const TaskOutcome& outcome) {
  auto lease = db_.Acquire();
  const long long t = Ms(clock_.Now());
  const std::string state(ToString(outcome.state));
  std::optional<std::string> fault_string;
  if (outcome.fault_code || !outcome.fault_string.empty()) fault_string = outcome.fault_string;
  std::optional<std::string> error;
  if (!outcome.error.empty()) error = outcome.error;
  soci::statement st =
      (lease.sql().prepare
           << "UPDATE tasks SET state = :s, result = :r, fault_code = :fc, fault_string = :fs, "
              "error = :e, finished_at = :t WHERE id = :id AND state = 'running'",
       soci::use(state), soci::use(outcome.result), soci::use(outcome.fault_code), soci::use(fault_string),
       soci::use(error), soci::use(t), soci::use(task.value()));
  st.execute(true);
  if (st.get_affected_rows() == 0) return std::nullopt;
  return LoadTask(lease, task.value());
}

void DeviceSessions::AwaitDevice(const TaskId& task, Millis timeout) {
  auto lease = db_.Acquire();
  const long long until = Ms(clock_.Now() + timeout);
  lease.sql() << "UPDATE tasks SET expires_at = :e WHERE id = :id AND state = 'running'", soci::use(until),
      soci::use(task.value());
}

std::optional<Task> DeviceSessions::FinishDownload(const DeviceId& device, const std::string& command_key,
                                                   const TaskOutcome& outcome) {
  std::string id;
  {
    auto lease = db_.Acquire();
    lease.sql()
        << "SELECT id FROM tasks WHERE device_id = :d AND type = 'download' AND state = 'running' AND "
           "command_key = :k",
        soci::use(device.value()), soci::use(command_key), soci::into(id);
    if (!lease.sql().got_data()) return std::nullopt;
  }
  return FinishTask(TaskId{id}, outcome);
}

void DeviceSessions::SetDownloadToken(const TaskId& task, const std::string& token_hash) {
  auto lease = db_.Acquire();
  lease.sql() << "UPDATE tasks SET download_token_hash = :h WHERE id = :id", soci::use(token_hash),
      soci::use(task.value());
}

Result<DeviceSessions::Credentials> DeviceSessions::PendingCredentials(const DeviceId& device) {
  auto lease = db_.Acquire();
  soci::row r;
  lease.sql() << "SELECT data_model, pending_password_enc, cr_username, pending_cr_password_enc FROM devices "
                 "WHERE id = :id",
      soci::use(device.value()), soci::into(r);
  if (!lease.sql().got_data()) return NotFound("device");
  Credentials c;
  c.data_model_root = Root(r.get<std::string>(0) == "tr098" ? DataModel::kTr098 : DataModel::kTr181);
  if (r.get_indicator(1) != soci::i_null) {
    auto p = secrets_.Open(r.get<std::string>(1));
    if (!p) return p.error();
    c.management_password = *p;
  }
  c.cr_username = r.get<std::string>(2);
  if (r.get_indicator(3) == soci::i_null) return Conflict("no credential change is pending");
  auto cr = secrets_.Open(r.get<std::string>(3));
  if (!cr) return cr.error();
  c.cr_password = *cr;
  return c;
}

void DeviceSessions::ConfirmCredentials(const DeviceId& device) {
  auto lease = db_.Acquire();
  ConfirmCredentialsOn(lease, device);
}

void DeviceSessions::ConfirmCredentialsOn(db::Lease& lease, const DeviceId& device) {
  lease.sql()
      << "UPDATE devices SET cwmp_password_enc = COALESCE(pending_password_enc, cwmp_password_enc), "
         "pending_password_enc = NULL, cr_password_enc = COALESCE(pending_cr_password_enc, cr_password_enc), "
         "pending_cr_password_enc = NULL, credential_state = CASE WHEN credential_state IN ('rotating', "
         "'bootstrap') THEN 'rotated' ELSE credential_state END WHERE id = :id",
      soci::use(device.value());
}

void DeviceSessions::UpdateTree(const DeviceId& device, const std::function<bool(ParameterTree&)>& change) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  std::string text;
  lease.sql() << "SELECT tree FROM device_parameters WHERE device_id = :id", soci::use(device.value()),
      soci::into(text);
  if (!lease.sql().got_data()) return;  // the device was deleted meanwhile
  ParameterTree tree = ParameterTree::Parse(text);
  if (!change(tree)) return;  // nothing changed: no write
  SaveTreeAndSummary(lease, device, tree);
  tx.Commit();
}

void DeviceSessions::MergeValues(const DeviceId& device, const std::vector<Parameter>& values) {
  UpdateTree(device, [&](ParameterTree& tree) {
    bool changed = false;
    for (const auto& p : values) changed |= tree.SetValue(p.path, p.value, p.type);
    return changed;
  });
}

void DeviceSessions::MergeNames(const DeviceId& device,
                                const std::vector<std::pair<std::string, bool>>& names) {
  UpdateTree(device, [&](ParameterTree& tree) {
    bool changed = false;
    for (const auto& [name, writable] : names) changed |= tree.SetWritable(name, writable);
    return changed;
  });
}

void DeviceSessions::RemoveSubtree(const DeviceId& device, const std::string& prefix) {
  UpdateTree(device, [&](ParameterTree& tree) { return tree.RemoveSubtree(prefix); });
}

std::vector<std::string> DeviceSessions::TypesOf(const DeviceId& device,
                                                 const std::vector<std::string>& paths) {
  auto lease = db_.Acquire();
  std::string text;
  lease.sql() << "SELECT tree FROM device_parameters WHERE device_id = :id", soci::use(device.value()),
      soci::into(text);
  ParameterTree tree = ParameterTree::Parse(text);
  std::vector<std::string> types;
  for (const auto& path : paths) {
    auto p = tree.Find(path);
    types.push_back(p ? p->type : std::string());
  }
  return types;
}

std::optional<FirmwareFile> DeviceSessions::FirmwareOf(const CompanyId& company, const std::string& file_id) {
  auto lease = db_.Acquire();
  soci::row r;
  lease.sql()
      << "SELECT id, name, version, model, size, sha256, created_at FROM firmware_files WHERE company_id = "
         ":c AND id = :id",
      soci::use(company.value()), soci::use(file_id), soci::into(r);
  if (!lease.sql().got_data()) return std::nullopt;
  FirmwareFile f;
  f.id = FirmwareId{r.get<std::string>(0)};
  f.company_id = company;
  f.name = r.get<std::string>(1);
  f.version = r.get<std::string>(2);
  f.model = r.get<std::string>(3);
  f.size = static_cast<std::uint64_t>(r.get<long long>(4));
  f.sha256 = r.get<std::string>(5);
  f.created_at = FromUnixMillis(r.get<long long>(6));
  return f;
}

std::vector<Task> DeviceSessions::ExpireTasks() {
  auto lease = db_.Acquire();
  const long long t = Ms(clock_.Now());
  std::vector<std::string> ids;
  {
    soci::rowset<std::string> rs = (lease.sql().prepare << "SELECT id FROM tasks WHERE state IN ('queued', "
                                                           "'running') AND expires_at <= :t",
                                    soci::use(t));
    for (const auto& id : rs) ids.push_back(id);
  }
  std::vector<Task> expired;
  for (const auto& id : ids) {
    soci::statement st =
        (lease.sql().prepare << "UPDATE tasks SET state = 'failed', error = 'timeout', finished_at "
                                "= :t WHERE id = :id AND state IN ('queued', 'running')",
         soci::use(t), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() == 0) continue;
    if (auto task = LoadTask(lease, id)) expired.push_back(std::move(*task));
  }
  return expired;
}

}  // namespace kanri::devices
