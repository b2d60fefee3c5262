#include "devices/remote_login.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "base/crypto.h"
#include "devices/device_query.h"
#include "devices/parameter_store.h"
#include "devices/parameter_tree.h"
#include "devices/task_rows.h"

namespace kanri::devices {

namespace json = boost::json;

std::string_view ToString(RemoteLoginState s) {
  switch (s) {
    case RemoteLoginState::kOpening:
      return "opening";
    case RemoteLoginState::kActive:
      return "active";
    case RemoteLoginState::kClosing:
      return "closing";
    case RemoteLoginState::kClosed:
      return "closed";
    case RemoteLoginState::kFailed:
      return "failed";
  }
  return "failed";
}

namespace {

constexpr Millis kCleanupExpiry = std::chrono::days{7};

constexpr const char* kColumns =
    "id, company_id, device_id, state, username, url, user_object, created_by_login, created_at, opened_at, "
    "expires_at, closed_at, error";

RemoteLoginState ParseState(const std::string& s) {
  for (auto st : {RemoteLoginState::kOpening, RemoteLoginState::kActive, RemoteLoginState::kClosing,
                  RemoteLoginState::kClosed, RemoteLoginState::kFailed})
    if (ToString(st) == s) return st;
  return RemoteLoginState::kFailed;
}

RemoteLogin ReadRow(const soci::row& r) {
  RemoteLogin l;
  l.id = r.get<std::string>(0);
  l.company_id = CompanyId{r.get<std::string>(1)};
  l.device_id = DeviceId{r.get<std::string>(2)};
  l.state = ParseState(r.get<std::string>(3));
  l.username = r.get<std::string>(4);
  l.url = r.get<std::string>(5);
  l.user_object = r.get<std::string>(6);
  l.created_by_login = r.get<std::string>(7);
  l.created_at = FromUnixMillis(db::RowInteger(r, 8));
  l.opened_at = db::RowTime(r, 9);
  l.expires_at = FromUnixMillis(db::RowInteger(r, 10));
  l.closed_at = db::RowTime(r, 11);
  l.error = r.get<std::string>(12);
  return l;
}

std::optional<RemoteLogin> Select(db::Lease& lease, const std::string& where, const std::string& a,
                                  const std::string& b = "") {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kColumns + " FROM remote_logins WHERE " + where +
                                  " ORDER BY created_at DESC LIMIT 1",
       soci::use(a), soci::use(b));
  for (const auto& r : rows) return ReadRow(r);
  return std::nullopt;
}

std::optional<RemoteLogin> ById(db::Lease& lease, const std::string& id) {
  return Select(lease, "id = :a AND :b = ''", id);
}

std::optional<RemoteLogin> OpenOf(db::Lease& lease, const CompanyId& company, const DeviceId& device) {
  return Select(lease, "company_id = :a AND device_id = :b AND state IN ('opening', 'active', 'closing')",
                company.value(), device.value());
}

void SetState(db::Lease& lease, const std::string& id, RemoteLoginState state,
              const std::string& error = "") {
  const std::string s(ToString(state));
  lease.sql()
      << "UPDATE remote_logins SET state = :s, error = CASE WHEN :e1 = '' THEN error ELSE :e2 END WHERE "
         "id = :id",
      soci::use(s), soci::use(error), soci::use(error), soci::use(id);
}

void Finish(db::Lease& lease, Timestamp now, const std::string& id, RemoteLoginState state,
            const std::string& error = "") {
  SetState(lease, id, state, error);
  const long long t = ToUnixMillis(now);
  lease.sql() << "UPDATE remote_logins SET closed_at = :t, password_enc = NULL WHERE id = :id", soci::use(t),
      soci::use(id);
}

struct DeviceFacts {
  DataModel model = DataModel::kTr181;
  std::string connection_request_url;
  ParameterTree tree;
};

std::optional<DeviceFacts> FactsOf(db::Lease& lease, const CompanyId& company, const DeviceId& device) {
  DeviceFacts f;
  std::string model;
  soci::indicator url_ind = soci::i_ok;
  lease.sql() << "SELECT data_model, connection_request_url FROM devices WHERE company_id = :c AND id = :id",
      soci::use(company.value()), soci::use(device.value()), soci::into(model),
      soci::into(f.connection_request_url, url_ind);
  if (!lease.sql().got_data()) return std::nullopt;
  if (url_ind == soci::i_null) f.connection_request_url.clear();
  f.model = model == ToString(DataModel::kTr098) ? DataModel::kTr098 : DataModel::kTr181;
  std::string tree;
  lease.sql() << "SELECT tree FROM device_parameters WHERE device_id = :d", soci::use(device.value()),
      soci::into(tree);
  if (lease.sql().got_data()) f.tree = ParameterTree::Parse(tree);
  return f;
}

// n random characters of [a-z0-9]: a login ID every device's web interface accepts.
std::string LowerAlnum(std::size_t n) {
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
  const std::string bytes = RandomBytes(n);
  std::string out;
  for (unsigned char b : bytes) out += kChars[b % kChars.size()];
  return out;
}

std::string UserTable(DataModel model) {
  return model == DataModel::kTr098 ? "InternetGatewayDevice.User." : "Device.Users.User.";
}

std::string RemoteAccess(DataModel model) {
  return RootOf(model) + "UserInterface.RemoteAccess.";
}

// https://<the host of the device's ConnectionRequestURL>:<its remote access port>/.
std::string UrlOf(const DeviceFacts& f) {
  auto parsed = boost::urls::parse_absolute_uri(f.connection_request_url);
  if (!parsed || parsed->host().empty()) return "";
  const auto port = f.tree.Find(RemoteAccess(f.model) + "Port");
  const auto protocol = f.tree.Find(RemoteAccess(f.model) + "Protocol");
  const bool http = protocol && protocol->value == "HTTP";
  std::string url = (http ? "http://" : "https://") + std::string(parsed->encoded_host());
  if (port && !port->value.empty()) url += ":" + port->value;
  return url + "/";
}

Task InternalTask(const RemoteLogin& login, TaskRequest request, Timestamp now, Timestamp expires) {
  Task t;
  t.id = TaskId::Generate();
  t.company_id = login.company_id;
  t.device_id = login.device_id;
  t.request = std::move(request);
  t.command_key = NewCommandKey();
  t.internal = true;
  t.created_by_login = "kanri";
  t.created_at = now;
  t.expires_at = expires;
  return t;
}

void Queue(db::Lease& lease, const Task& task) {
  detail::InsertTask(lease, task, detail::NextTaskSeq(lease, task.device_id));
}

// Step 3: the user removed and remote access switched off again (if Kanri switched it on).
void QueueCleanup(db::Lease& lease, Timestamp now, const RemoteLogin& login) {
  DataModel model =
      login.user_object.starts_with("InternetGatewayDevice.") ? DataModel::kTr098 : DataModel::kTr181;
  Queue(lease,
        InternalTask(login, task::DeleteObject{login.user_object, login.id}, now, now + kCleanupExpiry));
  task::SetParameterValues off{
      {{RemoteAccess(model) + "Enable", "false"}}, task::SetPurpose::kOperator, login.id};
  Queue(lease, InternalTask(login, std::move(off), now, now + kCleanupExpiry));
}

// Begins closing `login` (opening or active).
void BeginClose(db::Lease& lease, Timestamp now, const RemoteLogin& login, const std::string& reason) {
  if (!login.user_object.empty()) {
    SetState(lease, login.id, RemoteLoginState::kClosing, reason);
    QueueCleanup(lease, now, login);
    return;
  }
  // The user was not added yet: a queued AddObject is withdrawn and nothing is left to clean;
  // a running one ends the login when it ends (RemoteLoginTaskEnded).
  const std::string pattern = "%\"remote_login\":\"" + login.id + "\"%";
  const long long t = ToUnixMillis(now);
  soci::statement st =
      (lease.sql().prepare
           << "UPDATE tasks SET state = 'cancelled', finished_at = :t WHERE device_id = :d AND "
              "state = 'queued' AND request LIKE :p",
       soci::use(t), soci::use(login.device_id.value()), soci::use(pattern));
  st.execute(true);
  long long running = 0;
  lease.sql() << "SELECT COUNT(*) FROM tasks WHERE device_id = :d AND state = 'running' AND request LIKE :p",
      soci::use(login.device_id.value()), soci::use(pattern), soci::into(running);
  if (running > 0)
    SetState(lease, login.id, RemoteLoginState::kClosing, reason);
  else
    Finish(lease, now, login.id, RemoteLoginState::kClosed, reason);
}

std::string RemoteLoginIdOf(const Task& task) {
  if (const auto* a = std::get_if<task::AddObject>(&task.request)) return a->remote_login;
  if (const auto* d = std::get_if<task::DeleteObject>(&task.request)) return d->remote_login;
  if (const auto* s = std::get_if<task::SetParameterValues>(&task.request)) return s->remote_login;
  return "";
}

std::string WhyFailed(const Task& task) {
  if (task.fault_code)
    return "the device refused (" + std::to_string(*task.fault_code) + " " + task.fault_string + ")";
  if (task.error == "timeout") return "the device was not reached in time";
  return task.error.empty() ? "failed" : task.error;
}

}  // namespace

Result<OpenedRemoteLogin> RemoteLogins::Open(const CompanyId& company, const DeviceId& device,
                                             const TaskActor& actor) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto facts = FactsOf(lease, company, device);
  if (!facts) return NotFound("device not found");
  if (OpenOf(lease, company, device))
    return Conflict("a remote login to this device is already open; end it first", "remote_login_active");
  const Timestamp now = clock_.Now();
  RemoteLogin login;
  login.id = GenerateOpaqueId();
  login.company_id = company;
  login.device_id = device;
  login.username = "kanri-" + LowerAlnum(8);
  login.url = UrlOf(*facts);
  login.created_by_login = actor.login;
  login.created_at = now;
  login.expires_at = now + settings_.lifetime;
  const std::string password = RandomToken(12);
  const std::string sealed = secrets_.Seal(password);
  const std::string state(ToString(RemoteLoginState::kOpening));
  const std::optional<std::string> by = actor.id ? std::optional(actor.id->value()) : std::nullopt;
  const long long created = ToUnixMillis(now), expires = ToUnixMillis(login.expires_at);
  lease.sql()
      << "INSERT INTO remote_logins (id, company_id, device_id, state, username, password_enc, url, "
         "created_by, created_by_login, created_at, expires_at) VALUES (:id, :c, :d, :s, :u, :p, :url, :b, "
         ":bl, :t, :e)",
      soci::use(login.id), soci::use(company.value()), soci::use(device.value()), soci::use(state),
      soci::use(login.username), soci::use(sealed), soci::use(login.url), soci::use(by),
      soci::use(login.created_by_login), soci::use(created), soci::use(expires);
  // Step 1; the steps after it are queued as each ends. They wait no longer than the login lasts.
  Queue(lease,
        InternalTask(login, task::AddObject{UserTable(facts->model), login.id}, now, login.expires_at));
  tx.Commit();
  return OpenedRemoteLogin{login, password};
}

Result<RemoteLogin> RemoteLogins::Current(const CompanyId& company, const DeviceId& device) {
  auto lease = db_.Acquire();
  auto l = Select(lease, "company_id = :a AND device_id = :b", company.value(), device.value());
  if (!l) return NotFound("this device has no remote login");
  return *l;
}

Result<RemoteLogin> RemoteLogins::Close(const CompanyId& company, const DeviceId& device) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!detail::DeviceExists(lease, company, device)) return NotFound("device not found");
  auto open = OpenOf(lease, company, device);
  if (!open) return Conflict("no remote login to this device is open", "remote_login_not_open");
  if (open->state != RemoteLoginState::kClosing) BeginClose(lease, clock_.Now(), *open, "");
  auto now = ById(lease, open->id);
  tx.Commit();
  return *now;
}

std::vector<RemoteLogin> RemoteLogins::CloseExpired(Timestamp now) {
  auto lease = db_.Acquire();
  std::vector<RemoteLogin> due;
  {
    const long long t = ToUnixMillis(now);
    soci::rowset<soci::row> rows =
        (lease.sql().prepare
             << std::string("SELECT ") + kColumns +
                    " FROM remote_logins WHERE state IN ('opening', 'active') AND expires_at <= :t",
         soci::use(t));
    for (const auto& r : rows) due.push_back(ReadRow(r));
  }
  std::vector<RemoteLogin> closed;
  for (const auto& l : due) {
    db::WriteTransaction tx(lease);
    auto current = ById(lease, l.id);
    if (!current ||
        (current->state != RemoteLoginState::kOpening && current->state != RemoteLoginState::kActive))
      continue;
    BeginClose(lease, now, *current, "");
    closed.push_back(*ById(lease, l.id));
    tx.Commit();
  }
  return closed;
}

Result<RemoteLoginSecret> PendingRemoteLoginSecret(db::Lease& lease, const DeviceSecrets& secrets,
                                                   const std::string& id) {
  auto login = ById(lease, id);
  if (!login || login->state != RemoteLoginState::kOpening || login->user_object.empty())
    return Conflict("the remote login is no longer opening", "remote_login_ended");
  std::optional<std::string> sealed;
  lease.sql() << "SELECT password_enc FROM remote_logins WHERE id = :id", soci::use(id), soci::into(sealed);
  if (!sealed) return Conflict("the remote login's password is gone", "remote_login_ended");
  auto password = secrets.Open(*sealed);
  if (!password) return password.error();
  return RemoteLoginSecret{login->user_object, login->username, *password};
}

void RemoteLoginTaskEnded(db::Lease& lease, Timestamp now, const Task& task) {
  const std::string id = RemoteLoginIdOf(task);
  if (id.empty()) return;
  auto login = ById(lease, id);
  if (!login) return;
  const bool done = task.state == TaskState::kDone;
  if (const auto* add = std::get_if<task::AddObject>(&task.request)) {
    if (!done) {
      if (login->state == RemoteLoginState::kOpening)
        Finish(lease, now, id, RemoteLoginState::kFailed, WhyFailed(task));
      else if (login->state == RemoteLoginState::kClosing)
        Finish(lease, now, id, RemoteLoginState::kClosed);
      return;
    }
    long long instance = 0;
    if (task.result) {
      boost::system::error_code ec;
      auto v = json::parse(*task.result, ec);
      if (!ec && v.is_object())
        if (const auto* n = v.as_object().if_contains("instance_number"); n && n->is_int64())
          instance = n->as_int64();
    }
    login->user_object = add->object + std::to_string(instance) + ".";
    lease.sql() << "UPDATE remote_logins SET user_object = :o WHERE id = :id", soci::use(login->user_object),
        soci::use(id);
    if (login->state == RemoteLoginState::kClosing) {
      QueueCleanup(lease, now, *login);
      return;
    }
    if (login->state != RemoteLoginState::kOpening) return;
    // Step 2: the user's settings (its login ID and password are added when the RPC is encoded,
    // so that neither is in the task) and remote access on.
    const std::string u = login->user_object;
    const DataModel model = u.starts_with("InternetGatewayDevice.") ? DataModel::kTr098 : DataModel::kTr181;
    task::SetParameterValues set{{{u + "Enable", "true"},
                                  {u + "RemoteAccessCapable", "true"},
                                  {RemoteAccess(model) + "Enable", "true"}},
                                 task::SetPurpose::kRemoteLogin,
                                 id};
    Queue(lease, InternalTask(*login, std::move(set), now, login->expires_at));
    return;
  }
  if (const auto* set = std::get_if<task::SetParameterValues>(&task.request);
      set && set->purpose == task::SetPurpose::kRemoteLogin) {
    if (login->state != RemoteLoginState::kOpening) return;  // closed meanwhile: its cleanup is queued
    if (done) {
      const long long t = ToUnixMillis(now);
      const std::string active(ToString(RemoteLoginState::kActive));
      std::string url = login->url;
      if (auto facts = FactsOf(lease, login->company_id, login->device_id)) url = UrlOf(*facts);
      lease.sql()
          << "UPDATE remote_logins SET state = :s, opened_at = :t, password_enc = NULL, url = :u WHERE "
             "id = :id",
          soci::use(active), soci::use(t), soci::use(url), soci::use(id);
    } else {
      BeginClose(lease, now, *login, WhyFailed(task));
    }
    return;
  }
  // A cleanup step ended: closed once none of the login's tasks is left.
  if (!done) {
    const std::string error = "cleanup: " + WhyFailed(task);
    lease.sql() << "UPDATE remote_logins SET error = :e WHERE id = :id", soci::use(error), soci::use(id);
  }
  const std::string pattern = "%\"remote_login\":\"" + id + "\"%";
  long long open = 0;
  lease.sql()
      << "SELECT COUNT(*) FROM tasks WHERE device_id = :d AND state IN ('queued', 'running') AND id <> :t "
         "AND request LIKE :p",
      soci::use(task.device_id.value()), soci::use(task.id.value()), soci::use(pattern), soci::into(open);
  if (open == 0 && login->state == RemoteLoginState::kClosing) {
    const bool failed_before = !login->error.empty() && login->opened_at == std::nullopt;
    Finish(lease, now, id, failed_before ? RemoteLoginState::kFailed : RemoteLoginState::kClosed);
  }
}

}  // namespace kanri::devices
