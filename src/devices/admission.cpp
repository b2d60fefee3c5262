#include "devices/admission.h"

#include <algorithm>
#include <boost/json.hpp>

#include "base/crypto.h"
#include "base/log.h"
#include "devices/desired_config.h"
#include "devices/device_query.h"
#include "devices/device_rows.h"
#include "devices/events.h"
#include "devices/parameter_tree.h"

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

}  // namespace

ProfileChoice ChooseProfile(const Coverage& coverage, const std::vector<Profile>& profiles,
                            const OwnerStanding& standing) {
  if (coverage.kind == Coverage::Kind::kNone)
    return {std::nullopt, standing.unassigned ? "unassigned" : "unallocated"};
  if (coverage.kind == Coverage::Kind::kConflict) return {std::nullopt, "overlap"};
  if (standing.contract_ended) return {std::nullopt, "contract_ended"};
  if (profiles.empty()) return {std::nullopt, "no_profile"};
  if (profiles.size() > 1 &&
      ProfileRepository::Specificity(profiles[0].match) == ProfileRepository::Specificity(profiles[1].match))
    return {std::nullopt, "ambiguous"};
  if (profiles.front().auth_mode == AuthMode::kNone && !standing.allow_unauthenticated)
    return {std::nullopt, "unauthenticated_not_allowed"};
  return {profiles.front(), ""};
}

DeviceAdmission::DeviceAdmission(db::Database& db, const Clock& clock, const DeviceSecrets& secrets,
                                 const AllocationRepository& allocations, const ProfileRepository& profiles,
                                 TaskFlow& tasks, ParameterStore& parameters, RefusalRecorder refusals,
                                 SessionSettings settings, std::string node_id)
    : db_(db),
      clock_(clock),
      secrets_(secrets),
      allocations_(allocations),
      profiles_(profiles),
      tasks_(tasks),
      parameters_(parameters),
      refusals_(std::move(refusals)),
      settings_(settings),
      node_id_(std::move(node_id)),
      contacts_(db, {.interval = settings.contact_write_interval}) {}

Admission DeviceAdmission::Admit(const InformFacts& inform, const CredentialCheck& check) {
  if (auto periodic = AdmitPeriodic(inform, check)) return *periodic;
  // Everything is read first, without a transaction: an Inform that is refused (an unknown or
  // foreign identity, a wrong credential) costs reads only. The write transaction comes after
  // the decision, and checks that the device row it decided on is still as read.
  const Ownership facts = ReadOwnership(inform);
  Admission a;
  const bool same_owner = facts.known && facts.coverage.kind == Coverage::Kind::kOne &&
                          facts.coverage.company == facts.known->company_id;
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

DeviceAdmission::Ownership DeviceAdmission::ReadOwnership(const InformFacts& inform) {
  auto lease = db_.Acquire();
  Ownership f;
  soci::row r;
  lease.sql()
      << "SELECT id, company_id, auth_mode, credential_state, cwmp_username, cwmp_password_enc, "
         "pending_password_enc, profile_id, data_model FROM devices WHERE oui = :o AND product_class = :p "
         "AND serial_number = :s",
      soci::use(inform.oui), soci::use(inform.product_class), soci::use(inform.serial_number), soci::into(r);
  if (lease.sql().got_data()) {
    Known k;
    k.id = DeviceId{r.get<std::string>(0)};
    k.company_id = CompanyId{r.get<std::string>(1)};
    k.auth_mode = ParseAuthMode(r.get<std::string>(2)).value_or(AuthMode::kRotate);
    k.credential_state = ParseCredentialState(r.get<std::string>(3)).value_or(CredentialState::kBootstrap);
    k.username = r.get<std::string>(4);
    k.password_enc = r.get<std::string>(5);
    if (r.get_indicator(6) != soci::i_null) k.pending_enc = r.get<std::string>(6);
    if (r.get_indicator(7) != soci::i_null) k.profile_id = ProfileId{r.get<std::string>(7)};
    k.data_model = r.get<std::string>(8) == "tr098" ? DataModel::kTr098 : DataModel::kTr181;
    f.known = std::move(k);
  }
  f.coverage = allocations_.Cover(lease, inform.oui, inform.product_class, inform.serial_number);
  // The same reads whatever was found (an empty id finds nothing), so that the time an answer
  // takes tells no more than the answer (SEC-8).
  const CompanyId owner = f.coverage.kind == Coverage::Kind::kOne ? f.coverage.company : CompanyId{};
  int allow = 0;
  std::string status, contract_end;
  soci::indicator end_ind = soci::i_null;
  lease.sql() << "SELECT allow_unauthenticated_devices, status, contract_end FROM companies WHERE id = :c",
      soci::use(owner.value()), soci::into(allow), soci::into(status), soci::into(contract_end, end_ind);
  f.standing.allow_unauthenticated = allow != 0;
  // Dates are YYYY-MM-DD, so text order is date order.
  f.standing.contract_ended =
      status == "ended" ||
      (end_ind == soci::i_ok && contract_end < Date::FromTimestampJst(clock_.Now()).ToString());
  std::string unassigned_user, unassigned_enc;
  lease.sql() << "SELECT cwmp_username, cwmp_password_enc FROM unassigned_devices WHERE oui = :o AND "
                 "product_class = :p AND serial_number = :s",
      soci::use(inform.oui), soci::use(inform.product_class), soci::use(inform.serial_number),
      soci::into(unassigned_user), soci::into(unassigned_enc);
  if (lease.sql().got_data()) f.unassigned_credential = std::pair{unassigned_user, unassigned_enc};
  {
    int retired = 0;
    std::string user, enc, pending;
    soci::indicator pending_ind = soci::i_null;
    const long long now = ToUnixMillis(clock_.Now());
    lease.sql() << "SELECT retired, cwmp_username, cwmp_password_enc, pending_password_enc FROM "
                   "retained_device_credentials WHERE oui = :o AND product_class = :p AND serial_number = :s "
                   "AND expires_at > :t",
        soci::use(inform.oui), soci::use(inform.product_class), soci::use(inform.serial_number),
        soci::use(now), soci::into(retired), soci::into(user), soci::into(enc),
        soci::into(pending, pending_ind);
    if (lease.sql().got_data())
      f.retained = Ownership::Retained{retired != 0, std::move(user), std::move(enc),
                                       pending_ind == soci::i_ok ? std::optional(pending) : std::nullopt};
  }
  f.profiles =
      profiles_.MatchingProfiles(lease, owner, inform.oui, inform.product_class, inform.serial_number);
  const std::string known_id = f.known && HasEvent(inform.events, "0 BOOTSTRAP") ? f.known->id.value() : "";
  lease.sql()
      << "SELECT COUNT(*) FROM tasks WHERE device_id = :d AND type = 'factoryReset' AND state = 'running'",
      soci::use(known_id), soci::into(f.awaited_factory_resets);
  return f;
}

RefusedDevice DeviceAdmission::Refusal(const Ownership& f, const InformFacts& inform,
                                       std::string reason) const {
  const Timestamp now = clock_.Now();
  RefusedDevice r{
      "",  inform.oui, inform.product_class, inform.serial_number, inform.source_ip, std::move(reason), 1,
      now, now};
  if (f.coverage.kind == Coverage::Kind::kOne) r.company = f.coverage.company;
  return r;
}

DeviceAdmission::Verdict DeviceAdmission::Authenticate(const Ownership& f,
                                                       const CredentialCheck& check) const {
  const Known& known = *f.known;
  Verdict v;
  if (known.auth_mode == AuthMode::kNone) {
    if (f.standing.allow_unauthenticated) {
      v.accepted = true;
    } else {
      v.reason = "the company no longer allows unauthenticated devices";
      v.listed_as = "unauthenticated_not_allowed";
    }
    return v;
  }
  if (!check) {
    v.reason = "no credential";
    return v;
  }
  auto current = secrets_.Open(known.password_enc);
  v.accepted = current && check(known.username, *current);
  if (!v.accepted && known.pending_enc) {
    // The device took its new credential but the confirmation was lost.
    auto pending = secrets_.Open(*known.pending_enc);
    v.accepted = v.promote = pending && check(known.username, *pending);
  }
  if (!v.accepted && f.awaited_factory_resets > 0 && known.profile_id) {
    // After a factory reset Kanri asked for, the device is back with its bootstrap
    // credential: accept it once and provision the device again.
    for (const auto& p : f.profiles)
      if (p.id == *known.profile_id && check(p.auth_username, p.auth_password)) {
        v.accepted = true;
        v.reprovision_with = p;
        break;
      }
  }
  if (!v.accepted) {
    v.reason = "wrong credential";
    v.listed_as = "bad_credentials";
  }
  return v;
}

Admission DeviceAdmission::AdmitKnown(const Ownership& f, const InformFacts& inform,
                                      const CredentialCheck& check) {
  const Known& known = *f.known;
  Admission a;
  a.device_id = known.id;
  a.company_id = known.company_id;
  a.data_model = known.data_model;
  const Verdict verdict = Authenticate(f, check);
  if (!verdict.accepted) {
    a.result = AdmitResult::kUnauthenticated;
    a.reason = verdict.reason;
    if (!verdict.listed_as.empty()) a.refusal = Refusal(f, inform, verdict.listed_as);
    return a;
  }
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!StillOwnedBy(lease, a.device_id, a.company_id)) {
    a.result = AdmitResult::kBusy;
    a.reason = "the device changed meanwhile";
    return a;
  }
  if (verdict.promote) {
    tasks_.ConfirmCredentialsOn(lease, a.device_id);
    a.credentials_promoted = true;
  }
  if (verdict.reprovision_with)
    Reprovision(lease, known, *verdict.reprovision_with, DataModelOf(inform.parameters));
  RecordInform(lease, a.device_id, inform, verdict.reprovision_with.has_value(), a);
  if (a.result == AdmitResult::kAdmitted) tx.Commit();
  return a;
}

void DeviceAdmission::Reprovision(db::Lease& lease, const Known& known, const Profile& profile,
                                  DataModel model) {
  const std::string state(ToString(InitialCredentialState(profile.auth_mode)));
  const std::string enc = secrets_.Seal(profile.auth_password);
  lease.sql()
      << "UPDATE devices SET cwmp_password_enc = :p, pending_password_enc = NULL, credential_state = :s, "
         "provisioned = 0 WHERE id = :id",
      soci::use(enc), soci::use(state), soci::use(known.id.value());
  tasks_.QueueProvisioning(lease, known.id, known.company_id, profile, model);
}

std::optional<std::pair<std::string, std::string>> DeviceAdmission::CarriedCredential(
    const Ownership& f, const Profile& profile, const CredentialCheck& check) const {
  if (profile.auth_mode != AuthMode::kRotate || !check) return std::nullopt;
  auto presented = [&](const std::string& username,
                       const std::string& sealed) -> std::optional<std::pair<std::string, std::string>> {
    auto password = secrets_.Open(sealed);
    if (password && check(username, *password)) return std::make_pair(username, *password);
    return std::nullopt;
  };
  if (f.known && f.known->credential_state == CredentialState::kRotated)
    return presented(f.known->username, f.known->password_enc);
  // Issue 18: deleted from its company, the device is onboarded as new with the credential it has.
  if (f.retained && !f.retained->retired) {
    if (auto current = presented(f.retained->username, f.retained->password_enc)) return current;
    if (f.retained->pending_enc) return presented(f.retained->username, *f.retained->pending_enc);
  }
  return std::nullopt;
}

Admission DeviceAdmission::AdmitNew(const Ownership& f, const InformFacts& inform,
                                    const CredentialCheck& check) {
  Admission a;
  // DATA-6: a device of a deleted company is kept while it contacts the service: only its own
  // credential counts as its contact, so that forged Informs cannot keep its data alive.
  OwnerStanding standing = f.standing;
  if (f.unassigned_credential) {
    const auto password = secrets_.Open(f.unassigned_credential->second);
    standing.unassigned = check && password && check(f.unassigned_credential->first, *password);
  }
  // DEV-1: the provider's allocation decides the company; exactly one best profile of that
  // company decides the configuration and the credential.
  const ProfileChoice choice = ChooseProfile(f.coverage, f.profiles, standing);
  if (!choice.profile) {
    a.result = AdmitResult::kRefused;
    a.reason = choice.refusal;
    a.refusal = Refusal(f, inform, choice.refusal);
    return a;
  }
  const Profile& profile = *choice.profile;
  // A device the provider moved from another company keeps the unique credential Kanri gave it
  // (never known to that company) until its new company's profile rotates it again.
  const auto carried = CarriedCredential(f, profile, check);
  if (profile.auth_mode != AuthMode::kNone && !carried &&
      (!check || !check(profile.auth_username, profile.auth_password))) {
    a.result = AdmitResult::kUnauthenticated;
    a.reason = check ? "wrong bootstrap credential" : "no credential";
    // A retired device presenting the credential it had is refused as retired (issue 18).
    if (check)
      a.refusal = Refusal(f, inform, f.retained && f.retained->retired ? "retired" : "bad_credentials");
    return a;
  }

  a.device_id = DeviceId::Generate();
  a.company_id = profile.company_id;
  a.data_model = DataModelOf(inform.parameters);
  a.onboarded = true;
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
  InsertNew(lease, a, inform, profile, carried);
  // Deleted or retired before: onboarded now, so the retained credential or mark goes.
  if (f.retained)
    lease.sql() << "DELETE FROM retained_device_credentials WHERE oui = :o AND product_class = :p AND "
                   "serial_number = :s",
        soci::use(inform.oui), soci::use(inform.product_class), soci::use(inform.serial_number);
  // Allocated again after its company was deleted: onboarded afresh, without what it had.
  if (f.unassigned_credential)
    lease.sql()
        << "DELETE FROM unassigned_devices WHERE oui = :o AND product_class = :p AND serial_number = :s",
        soci::use(inform.oui), soci::use(inform.product_class), soci::use(inform.serial_number);
  tasks_.QueueProvisioning(lease, a.device_id, a.company_id, profile, a.data_model);
  RecordInform(lease, a.device_id, inform, true, a);
  if (a.result == AdmitResult::kAdmitted) tx.Commit();
  return a;
}

void DeviceAdmission::InsertNew(db::Lease& lease, const Admission& a, const InformFacts& inform,
                                const Profile& profile,
                                const std::optional<std::pair<std::string, std::string>>& carried) {
  const Timestamp now = clock_.Now();
  DeviceRow row;
  Device& d = row.device;
  d.id = a.device_id;
  d.company_id = a.company_id;
  d.profile_id = profile.id;
  d.oui = inform.oui;
  d.product_class = inform.product_class;
  d.serial_number = inform.serial_number;
  d.manufacturer = inform.manufacturer;
  d.data_model = a.data_model;
  d.first_contact_at = d.last_contact_at = d.online_until = d.created_at = d.updated_at = now;
  d.periodic_inform_interval = settings_.default_inform_interval;
  d.source_ip = inform.source_ip;
  d.auth_mode = profile.auth_mode;
  d.credential_state = InitialCredentialState(profile.auth_mode);
  row.cwmp_username = carried ? carried->first : profile.auth_username;
  row.cwmp_password_enc = secrets_.Seal(carried ? carried->second : profile.auth_password);
  row.cr_username = "kanri-" + RandomToken(9);
  row.cr_password_enc = secrets_.Seal("");
  row.provisioned = true;
  InsertDevice(lease, row);
  EmitDeviceCreated(lease, now, d);
  // No longer refused: it leaves the site administrators' list.
  lease.sql() << "DELETE FROM refused_devices WHERE oui = :o AND product_class = :p AND serial_number = :s",
      soci::use(inform.oui), soci::use(inform.product_class), soci::use(inform.serial_number);
}

bool DeviceAdmission::StillOwnedBy(db::Lease& lease, const DeviceId& device, const CompanyId& company) {
  int n = 0;
  lease.sql() << "SELECT COUNT(*) FROM devices WHERE id = :id AND company_id = :c", soci::use(device.value()),
      soci::use(company.value()), soci::into(n);
  return n > 0;
}

std::optional<Admission::Detached> DeviceAdmission::Detach(const Known& known, std::string reason) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!StillOwnedBy(lease, known.id, known.company_id)) return std::nullopt;
  EmitDeviceDeleted(lease, clock_.Now(), known.company_id, known.id, reason);
  detail::DeleteDeviceRows(lease, known.company_id, known.id);
  tx.Commit();
  LogInfo("cwmp: device detached from its company", {{"device", known.id.value()}, {"reason", reason}});
  return Admission::Detached{known.id, known.company_id, std::move(reason)};
}

bool DeviceAdmission::TouchDevice(db::Lease& lease, const Contact& c) {
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
  auto& q =
      lease.Cached<Touch>("admission.touch", [](soci::session& sql) { return std::make_unique<Touch>(sql); });
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

std::optional<Admission> DeviceAdmission::AdmitPeriodic(const InformFacts& inform,
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
    // One read: the device, what it is accepted with, whether a task waits for it, and whether
    // a session ended with a task's RPC in flight (settled on the full path).
    struct Known : db::CachedStatement {
      std::string oui, product_class, serial;
      std::string id, company, auth_mode, username, password_enc, pending_enc, data_model, digest;
      soci::indicator pending_ind = soci::i_null;
      int interval = 0, queued = 0, in_flight = 0, allow_unauthenticated = 0;
      soci::statement statement;
      explicit Known(soci::session& sql)
          : statement(
                (sql.prepare
                     << "SELECT d.id, d.company_id, d.auth_mode, d.cwmp_username, "
                        "d.cwmp_password_enc, d.pending_password_enc, d.data_model, d.inform_digest, "
                        "d.periodic_inform_interval, CASE WHEN d.desired_dirty = 1 OR EXISTS (SELECT 1 FROM "
                        "tasks t WHERE t.device_id = d.id AND t.state = 'queued') THEN 1 ELSE 0 END, "
                        "CASE WHEN EXISTS (SELECT 1 FROM tasks t WHERE t.device_id = d.id AND t.state = "
                        "'running' AND t.awaiting_device = 0) THEN 1 ELSE 0 END, "
                        "c.allow_unauthenticated_devices FROM devices d JOIN companies c ON c.id = "
                        "d.company_id WHERE d.oui = :o AND d.product_class = :p AND "
                        "d.serial_number = :s",
                 soci::use(oui), soci::use(product_class), soci::use(serial), soci::into(id),
                 soci::into(company), soci::into(auth_mode), soci::into(username), soci::into(password_enc),
                 soci::into(pending_enc, pending_ind), soci::into(data_model), soci::into(digest),
                 soci::into(interval), soci::into(queued), soci::into(in_flight),
                 soci::into(allow_unauthenticated))) {}
    };
    auto& q = lease.Cached<Known>("admission.known",
                                  [](soci::session& sql) { return std::make_unique<Known>(sql); });
    q.oui = inform.oui;
    q.product_class = inform.product_class;
    q.serial = inform.serial_number;
    const bool found = q.statement.execute(true);
    db::FinishRead(lease.backend(), q.statement);
    if (!found || q.in_flight) return std::nullopt;
    if (q.pending_ind != soci::i_null) return std::nullopt;  // a rotation to confirm
    if (q.digest != InformDigest(inform)) return std::nullopt;
    // A device without a credential only while the provider's lab setting allows it.
    const bool none = ParseAuthMode(q.auth_mode) == AuthMode::kNone;
    if (none && !q.allow_unauthenticated) return std::nullopt;
    if (!none) {
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

void DeviceAdmission::RecordInform(db::Lease& lease, const DeviceId& device, const InformFacts& inform,
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
    ParameterTree tree = parameters_.Load(lease, device);
    for (const auto& p : inform.parameters) tree.SetValue(p.path, p.value, p.type);
    interval = parameters_.Save(lease, device, tree);
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
  admission.settled_tasks = tasks_.SettleOnInform(lease, device, inform.events);
  // DEV-7: a desired state to compare is work for the session as well.
  admission.has_queued_tasks = TaskFlow::AnyQueued(lease, device) || DesiredConfig::Dirty(lease, device);
}

void DeviceAdmission::RenewLease(const DeviceId& device) {
  auto lease = db_.Acquire();
  const long long until = Ms(clock_.Now() + settings_.lease);
  lease.sql() << "UPDATE devices SET session_until = :u WHERE id = :id AND session_owner = :n",
      soci::use(until), soci::use(device.value()), soci::use(node_id_);
}

void DeviceAdmission::ReleaseLease(const DeviceId& device) {
  auto lease = db_.Acquire();
  lease.sql() << "UPDATE devices SET session_until = 0 WHERE id = :id AND session_owner = :n",
      soci::use(device.value()), soci::use(node_id_);
}

}  // namespace kanri::devices
