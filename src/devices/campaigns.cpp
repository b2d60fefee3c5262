#include "devices/campaigns.h"

#include <boost/json.hpp>

#include "base/text.h"
#include "devices/device_query.h"
#include "devices/firmware.h"
#include "devices/task_request.h"
#include "devices/task_rows.h"
#include "webhooks/webhooks.h"

namespace kanri::devices {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxActivePerCompany = 20;
constexpr long kMaxNameLength = 128;

long long Ms(Timestamp t) {
  return ToUnixMillis(t);
}

std::string_view kStates[] = {"running", "paused", "cancelled", "finished"};

CampaignState StateOf(const std::string& s) {
  for (std::size_t i = 0; i < std::size(kStates); ++i)
    if (kStates[i] == s) return static_cast<CampaignState>(i);
  return CampaignState::kFinished;
}

// ---------------------------------------------------------------------------------------------
// The spec as stored

std::string TargetJson(const CampaignSpec& spec) {
  if (spec.group_id) return json::serialize(json::object{{"group_id", spec.group_id->value()}});
  return json::serialize(
      json::object{{"filter", json::parse(DeviceFilterToJson(spec.filter.value_or(DeviceFilter{})))}});
}

void ReadTarget(const std::string& text, CampaignSpec& spec) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return;
  if (const auto* g = v.as_object().if_contains("group_id"); g && g->is_string())
    spec.group_id = GroupId{std::string(g->as_string())};
  if (const auto* f = v.as_object().if_contains("filter"))
    if (auto filter = DeviceFilterFromJson(json::serialize(*f))) spec.filter = std::move(*filter);
}

std::string WavesJson(const std::vector<WaveSpec>& waves) {
  json::array a;
  for (const auto& w : waves) {
    if (w.count)
      a.push_back(json::object{{"count", *w.count}});
    else
      a.push_back(json::object{{"percent", w.percent.value_or(100)}});
  }
  return json::serialize(a);
}

std::vector<WaveSpec> ReadWaves(const std::string& text) {
  std::vector<WaveSpec> out;
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (!e.is_object()) continue;
    WaveSpec w;
    if (const auto* c = e.as_object().if_contains("count"); c && c->is_number())
      w.count = c->to_number<std::size_t>();
    if (const auto* p = e.as_object().if_contains("percent"); p && p->is_number())
      w.percent = p->to_number<double>();
    out.push_back(w);
  }
  return out;
}

std::optional<std::string> WindowJson(const std::optional<CampaignWindow>& w) {
  if (!w) return std::nullopt;
  json::array days;
  for (int d : w->days) days.emplace_back(d);
  return json::serialize(json::object{{"days", days}, {"from", w->from}, {"to", w->to}});
}

std::optional<CampaignWindow> ReadWindow(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  const json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  CampaignWindow w;
  const auto& o = v.as_object();
  if (const auto* days = o.if_contains("days"); days && days->is_array())
    for (const auto& d : days->as_array())
      if (d.is_int64()) w.days.push_back(static_cast<int>(d.as_int64()));
  if (const auto* f = o.if_contains("from"); f && f->is_int64()) w.from = static_cast<int>(f->as_int64());
  if (const auto* t = o.if_contains("to"); t && t->is_int64()) w.to = static_cast<int>(t->as_int64());
  return w;
}

Status Validate(const CampaignSpec& spec) {
  const long n = Utf8Length(spec.name);
  if (n < 1 || n > kMaxNameLength) return InvalidArgument("name", "name must be 1 to 128 characters");
  for (unsigned char c : spec.name)
    if (c < 0x20 || c == 0x7f) return InvalidArgument("name", "name must not hold control characters");
  if (spec.firmware_id.value().empty()) return InvalidArgument("firmware_id", "firmware_id is required");
  if (spec.group_id.has_value() == spec.filter.has_value())
    return InvalidArgument("target", "target is exactly one of group_id and filter");
  if (!(spec.failure_threshold_percent >= 0 && spec.failure_threshold_percent <= 100))
    return InvalidArgument("failure_threshold_percent", "failure_threshold_percent is 0 to 100");
  if (spec.concurrency < 1 || spec.concurrency > 10'000)
    return InvalidArgument("concurrency", "concurrency is 1 to 10000");
  if (spec.min_success_before_next_wave > 1'000'000)
    return InvalidArgument("min_success_before_next_wave", "min_success_before_next_wave is too large");
  if (spec.device_timeout < std::chrono::hours{1} || spec.device_timeout > std::chrono::hours{24 * 30})
    return InvalidArgument("device_timeout_hours", "device_timeout_hours is 1 to 720");
  if (const auto& w = spec.window) {
    if (w->from < 0 || w->from >= 1440 || w->to < 0 || w->to >= 1440 || w->from == w->to)
      return InvalidArgument("window", "the window's from and to are times of day (HH:MM), not equal");
    for (std::size_t i = 0; i < w->days.size(); ++i) {
      if (w->days[i] < 0 || w->days[i] > 6)
        return InvalidArgument("window", "the window's days are mon to sun");
      for (std::size_t j = 0; j < i; ++j)
        if (w->days[j] == w->days[i]) return InvalidArgument("window", "the window names a day twice");
    }
  }
  // The waves' own rules are PlanWaves's; an empty fleet must not hide them.
  if (auto plan = PlanWaves({}, {}, spec.waves); !plan) return plan.error();
  return Ok{};
}

// ---------------------------------------------------------------------------------------------
// How one device stands

struct Standing {
  std::string state;
  std::string reason;
};

Standing Classify(const std::string& eligibility, bool has_task, const std::optional<std::string>& task_state,
                  std::optional<int> fault_code, const std::string& error) {
  if (eligibility == "already_current") return {"done", eligibility};
  if (eligibility != "eligible") return {"skipped", eligibility};
  if (!has_task) return {"pending", ""};
  if (!task_state) return {"skipped", "device_deleted"};
  if (*task_state == "queued") return {"pending", ""};
  if (*task_state == "running" || *task_state == "done" || *task_state == "cancelled")
    return {*task_state, ""};
  Task t;
  t.fault_code = fault_code;
  t.error = error;
  return {"failed", FaultKey(t)};
}

void Count(CampaignCounts& c, const std::string& state, std::size_t n) {
  c.total += n;
  if (state == "pending") c.pending += n;
  if (state == "running") c.running += n;
  if (state == "done") c.done += n;
  if (state == "failed") c.failed += n;
  if (state == "skipped") c.skipped += n;
  if (state == "cancelled") c.cancelled += n;
}

// The progress of a campaign, in total and per wave; `downloads[w]`: the wave's devices that were
// given a task (the base its failures are counted against).
struct Progress {
  CampaignCounts total;
  std::map<int, CampaignCounts> waves;
  std::map<int, std::size_t> downloads;
  std::map<std::string, std::size_t> skipped, failed;
};

// Of every wave, or of one (the engine's tick reads only the current wave's devices).
Progress ReadProgress(db::Lease& lease, const std::string& campaign,
                      std::optional<int> only_wave = std::nullopt) {
  Progress p;
  const int any = only_wave ? 0 : 1, wave_filter = only_wave.value_or(0);
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << "SELECT cd.wave, cd.eligibility, CASE WHEN cd.task_id IS NULL THEN 0 ELSE 1 END, t.state, "
              "t.fault_code, t.error, COUNT(*) FROM campaign_devices cd "
              "LEFT JOIN tasks t ON t.id = cd.task_id "
              "WHERE cd.campaign_id = :c AND (:any = 1 OR cd.wave = :w) GROUP BY cd.wave, cd.eligibility, "
              "CASE WHEN cd.task_id IS NULL THEN 0 ELSE 1 END, t.state, t.fault_code, t.error",
       soci::use(campaign), soci::use(any), soci::use(wave_filter));
  for (const auto& r : rows) {
    const int wave = static_cast<int>(db::RowInteger(r, 0));
    const bool has_task = db::RowInteger(r, 2) != 0;
    std::optional<std::string> state;
    if (r.get_indicator(3) == soci::i_ok) state = r.get<std::string>(3);
    std::optional<int> fault;
    if (r.get_indicator(4) == soci::i_ok) fault = static_cast<int>(db::RowInteger(r, 4));
    const std::string error = r.get_indicator(5) == soci::i_ok ? r.get<std::string>(5) : "";
    const auto n = static_cast<std::size_t>(db::RowInteger(r, 6));
    const Standing s = Classify(r.get<std::string>(1), has_task, state, fault, error);
    Count(p.total, s.state, n);
    if (wave >= 0) Count(p.waves[wave], s.state, n);
    if (wave >= 0 && has_task) p.downloads[wave] += n;
    if (s.state == "skipped") p.skipped[s.reason] += n;
    if (s.state == "failed") p.failed[s.reason] += n;
  }
  return p;
}

constexpr const char* kCampaignColumns =
    "SELECT c.id, c.company_id, c.name, c.firmware_id, c.target, c.waves, c.failure_threshold_percent, "
    "c.min_success_before_next_wave, c.time_window, c.concurrency, c.device_timeout_ms, c.state, "
    "c.pause_reason, c.current_wave, c.wave_accepted, c.created_by, c.created_by_login, c.created_at, "
    "c.updated_at, c.finished_at, f.name, f.version FROM campaigns c LEFT JOIN firmware_files f ON f.id = "
    "c.firmware_id AND f.company_id = c.company_id ";

Campaign ReadCampaign(const soci::row& r) {
  Campaign c;
  c.id = CampaignId{r.get<std::string>(0)};
  c.company_id = CompanyId{r.get<std::string>(1)};
  c.spec.name = r.get<std::string>(2);
  c.spec.firmware_id = FirmwareId{r.get<std::string>(3)};
  ReadTarget(r.get<std::string>(4), c.spec);
  c.spec.waves = ReadWaves(r.get<std::string>(5));
  c.spec.failure_threshold_percent = r.get<double>(6);
  c.spec.min_success_before_next_wave = static_cast<std::size_t>(db::RowInteger(r, 7));
  c.spec.window =
      ReadWindow(r.get_indicator(8) == soci::i_ok ? std::optional(r.get<std::string>(8)) : std::nullopt);
  c.spec.concurrency = static_cast<std::size_t>(db::RowInteger(r, 9));
  c.spec.device_timeout = Millis{db::RowInteger(r, 10)};
  c.state = StateOf(r.get<std::string>(11));
  if (r.get_indicator(12) == soci::i_ok) c.pause_reason = r.get<std::string>(12);
  c.current_wave = static_cast<int>(db::RowInteger(r, 13));
  c.wave_accepted = db::RowInteger(r, 14) != 0;
  if (r.get_indicator(15) == soci::i_ok) c.created_by = AccountId{r.get<std::string>(15)};
  c.created_by_login = r.get<std::string>(16);
  c.created_at = FromUnixMillis(db::RowInteger(r, 17));
  c.updated_at = FromUnixMillis(db::RowInteger(r, 18));
  if (r.get_indicator(19) == soci::i_ok) c.finished_at = FromUnixMillis(db::RowInteger(r, 19));
  if (r.get_indicator(20) == soci::i_ok) c.firmware_name = r.get<std::string>(20);
  if (r.get_indicator(21) == soci::i_ok) c.firmware_version = r.get<std::string>(21);
  return c;
}

// The campaign with its waves, and the progress of all of them or of `only_wave`, inside the
// caller's transaction.
std::optional<Campaign> Load(db::Lease& lease, const CompanyId& company, const CampaignId& id,
                             std::optional<int> only_wave = std::nullopt) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string(kCampaignColumns) + "WHERE c.company_id = :co AND c.id = :id",
       soci::use(company.value()), soci::use(id.value()));
  std::optional<Campaign> c;
  for (const auto& r : rows) c = ReadCampaign(r);
  if (!c) return c;
  Progress p = ReadProgress(lease, id.value(), only_wave);
  c->counts = p.total;
  c->skipped_reasons = std::move(p.skipped);
  c->failure_reasons = std::move(p.failed);
  soci::rowset<soci::row> waves =
      (lease.sql().prepare << "SELECT wave, size, started_at, ended_at FROM campaign_waves WHERE campaign_id "
                              "= :c ORDER BY wave",
       soci::use(id.value()));
  for (const auto& r : waves) {
    CampaignWave w;
    w.index = static_cast<int>(db::RowInteger(r, 0));
    w.size = static_cast<std::size_t>(db::RowInteger(r, 1));
    if (r.get_indicator(2) == soci::i_ok) w.started_at = FromUnixMillis(db::RowInteger(r, 2));
    if (r.get_indicator(3) == soci::i_ok) w.ended_at = FromUnixMillis(db::RowInteger(r, 3));
    w.counts = p.waves[w.index];
    w.downloads = p.downloads[w.index];
    c->waves.push_back(w);
  }
  return c;
}

// Starts wave `wave`: one download task per device still for the file (checked again against the
// device as it is now), the others marked with why not.
void StartWave(db::Lease& lease, const Campaign& c, int wave, Timestamp now) {
  const std::string id = c.id.value(), company = c.company_id.value();
  const long long started = Ms(now);
  // Once: the wave's row is claimed first, so that a second tick that raced this one (another
  // node, once several share a database) finds it started and queues nothing twice.
  soci::statement claim =
      (lease.sql().prepare << "UPDATE campaign_waves SET started_at = :t WHERE campaign_id = "
                              ":c AND wave = :w AND started_at IS NULL",
       soci::use(started), soci::use(id), soci::use(wave));
  claim.execute(true);
  if (claim.get_affected_rows() == 0) return;
  const auto file = FirmwareRepository::Find(lease, c.company_id, c.spec.firmware_id);
  const FirmwareTarget target = file ? TargetOf(*file) : FirmwareTarget{};
  struct Member {
    std::string device;
    std::optional<CampaignDevice> now;  // nullopt: deleted since
  };
  std::vector<Member> members;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare
             << "SELECT cd.device_id, d.id, d.product_class, d.model, d.hardware_version, d.software_version "
                "FROM campaign_devices cd LEFT JOIN devices d ON d.id = cd.device_id AND d.company_id = "
                "cd.company_id WHERE cd.campaign_id = :c AND cd.wave = :w AND cd.eligibility = 'eligible' "
                "ORDER BY cd.device_id",
         soci::use(id), soci::use(wave));
    for (const auto& r : rows) {
      Member m{r.get<std::string>(0), std::nullopt};
      if (r.get_indicator(1) == soci::i_ok)
        m.now = CampaignDevice{DeviceId{m.device}, r.get<std::string>(2), r.get<std::string>(3),
                               r.get<std::string>(4), r.get<std::string>(5)};
      members.push_back(std::move(m));
    }
  }
  const std::string request = StoreTaskRequest(TaskRequest{task::Download{c.spec.firmware_id}});
  const std::optional<std::string> created_by =
      c.created_by ? std::optional(c.created_by->value()) : std::nullopt;
  const long long t = Ms(now), expires = Ms(now + c.spec.device_timeout);
  std::string task_id, device_id, command_key, eligibility;
  long long seq = 0;
  soci::statement insert =
      (lease.sql().prepare
           << "INSERT INTO tasks (id, company_id, device_id, seq, type, request, state, command_key, "
              "internal, "
              "created_by, created_by_login, created_at, expires_at, campaign_id) VALUES (:id, :c, :d, :s, "
              "'download', :rq, 'queued', :ck, 0, :cb, :cl, :ca, :ex, :cp)",
       soci::use(task_id), soci::use(company), soci::use(device_id), soci::use(seq), soci::use(request),
       soci::use(command_key), soci::use(created_by), soci::use(c.created_by_login), soci::use(t),
       soci::use(expires), soci::use(id));
  soci::statement link = (lease.sql().prepare << "UPDATE campaign_devices SET task_id = :t, woken = 0 WHERE "
                                                 "campaign_id = :c AND device_id = :d",
                          soci::use(task_id), soci::use(id), soci::use(device_id));
  soci::statement mark = (lease.sql().prepare << "UPDATE campaign_devices SET eligibility = :e WHERE "
                                                 "campaign_id = :c AND device_id = :d",
                          soci::use(eligibility), soci::use(id), soci::use(device_id));
  for (const auto& m : members) {
    device_id = m.device;
    const Eligibility e = m.now && file ? CheckEligibility(target, *m.now) : Eligibility::kEligible;
    if (!m.now || !file || e != Eligibility::kEligible) {
      eligibility = !m.now ? "device_deleted" : !file ? "firmware_deleted" : std::string(ToString(e));
      mark.execute(true);
      continue;
    }
    task_id = GenerateOpaqueId();
    command_key = NewCommandKey();
    seq = detail::NextTaskSeq(lease, DeviceId{device_id});
    insert.execute(true);
    link.execute(true);
  }
  lease.sql() << "UPDATE campaigns SET current_wave = :w, wave_accepted = 0, updated_at = :t WHERE id = :c",
      soci::use(wave), soci::use(t), soci::use(id);
}

// Starts the first wave from `from` on that has devices, or finishes the campaign. Returns the
// event for the history.
CampaignEvent Advance(db::Lease& lease, const Campaign& c, int from, Timestamp now) {
  const std::string id = c.id.value();
  for (int w = from; w < static_cast<int>(c.waves.size()); ++w) {
    if (c.waves[static_cast<std::size_t>(w)].size == 0) continue;
    StartWave(lease, c, w, now);
    return {
        c.company_id, c.id, "campaign.wave_started",
        json::serialize(json::object{
            {"name", c.spec.name}, {"wave", w + 1}, {"devices", c.waves[static_cast<std::size_t>(w)].size}})};
  }
  const long long t = Ms(now);
  lease.sql()
      << "UPDATE campaigns SET state = 'finished', finished_at = :t, updated_at = :t2 WHERE id = :c AND "
         "state = 'running'",
      soci::use(t), soci::use(t), soci::use(id);
  return {c.company_id, c.id, "campaign.finished", json::serialize(json::object{{"name", c.spec.name}})};
}

void EndWave(db::Lease& lease, const CampaignId& id, int wave, Timestamp now) {
  const long long t = Ms(now);
  lease.sql() << "UPDATE campaign_waves SET ended_at = :t WHERE campaign_id = :c AND wave = :w AND ended_at "
                 "IS NULL",
      soci::use(t), soci::use(id.value()), soci::use(wave);
}

Error NotFoundCampaign() {
  return NotFound("no such campaign");
}

// The campaign's downloads running now (its concurrency counts these).
long long RunningDownloads(db::Lease& lease, const std::string& campaign) {
  long long running = 0;
  lease.sql() << "SELECT COUNT(*) FROM tasks WHERE campaign_id = :c AND state = 'running'",
      soci::use(campaign), soci::into(running);
  return running;
}

// Webhooks hear the engine's pauses and a campaign's end, in the caller's transaction.
void Notify(db::Lease& lease, Timestamp now, const CampaignEvent& e) {
  if (e.action != "campaign.paused" && e.action != "campaign.finished") return;
  json::object data = json::parse(e.details).as_object();
  data["campaign_id"] = e.campaign_id.value();
  webhooks::Emit(lease, now, e.company_id, e.action, "campaign:" + e.campaign_id.value(), data);
}

// A running campaign with the progress of its current wave only: the tick stays cheap for a
// large campaign.
std::optional<Campaign> LoadForTick(db::Lease& lease, const CompanyId& company, const CampaignId& id) {
  int wave = 0;
  lease.sql() << "SELECT current_wave FROM campaigns WHERE id = :c", soci::use(id.value()), soci::into(wave);
  auto c = Load(lease, company, id, wave);
  if (!c || c->state != CampaignState::kRunning || c->current_wave < 0 ||
      c->current_wave >= static_cast<int>(c->waves.size()))
    return std::nullopt;
  return c;
}

// What the tick does for a running campaign now.
struct TickStep {
  enum Kind { kNothing, kPause, kAdvance, kWake } kind = kNothing;
  std::string reason;  // kPause: failure_threshold | min_success
};

TickStep Decide(const Campaign& c, Timestamp now) {
  const CampaignWave& wave = c.waves[static_cast<std::size_t>(c.current_wave)];
  const CampaignCounts& n = wave.counts;
  const bool over_threshold =
      wave.downloads > 0 && static_cast<double>(n.failed) * 100.0 >
                                c.spec.failure_threshold_percent * static_cast<double>(wave.downloads);
  if (!c.wave_accepted && over_threshold) return {TickStep::kPause, "failure_threshold"};
  if (n.pending + n.running == 0) {
    const std::size_t needed = std::min(c.spec.min_success_before_next_wave, wave.downloads);
    if (!c.wave_accepted && n.done < needed) return {TickStep::kPause, "min_success"};
    return {TickStep::kAdvance, ""};
  }
  if (!c.spec.window || InWindow(*c.spec.window, now)) return {TickStep::kWake, ""};
  return {};
}

// The online devices of the current wave whose download waits and that were not asked to
// connect yet, as many as may still run at once.
std::vector<CampaignWake> WakeCandidates(db::Lease& lease, const Campaign& c, Timestamp now) {
  std::vector<CampaignWake> wakes;
  const long long room = static_cast<long long>(c.spec.concurrency) - RunningDownloads(lease, c.id.value());
  if (room <= 0) return wakes;
  const long long t = Ms(now);
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << "SELECT cd.device_id, cd.task_id FROM campaign_devices cd "
                              "JOIN tasks t ON t.id = cd.task_id JOIN devices d ON d.id = cd.device_id "
                              "WHERE cd.campaign_id = :c AND cd.wave = :w AND cd.woken = 0 AND t.state = "
                              "'queued' AND (t.retry_at IS NULL OR t.retry_at <= :now) AND d.online_until > "
                              ":now2 ORDER BY cd.device_id LIMIT :n",
       soci::use(c.id.value()), soci::use(c.current_wave), soci::use(t), soci::use(t), soci::use(room));
  for (const auto& r : rows)
    wakes.push_back({c.company_id, DeviceId{r.get<std::string>(0)}, TaskId{r.get<std::string>(1)}});
  return wakes;
}

}  // namespace

std::string_view ToString(CampaignState state) {
  return kStates[static_cast<std::size_t>(state)];
}

Result<Campaign> CampaignRepository::Create(const CompanyId& company, const CampaignSpec& spec,
                                            const TaskActor& actor) {
  if (auto ok = Validate(spec); !ok) return ok.error();
  const Timestamp now = clock_.Now();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const auto file = FirmwareRepository::Find(lease, company, spec.firmware_id);
  if (!file) return InvalidArgument("firmware_id", "no such firmware file");
  int active = 0;
  lease.sql() << "SELECT COUNT(*) FROM campaigns WHERE company_id = :c AND state IN ('running', 'paused')",
      soci::use(company.value()), soci::into(active);
  if (static_cast<std::size_t>(active) >= kMaxActivePerCompany)
    return Conflict("the company has " + std::to_string(kMaxActivePerCompany) +
                        " campaigns running or paused; cancel or finish one first",
                    "too_many_campaigns");
  DeviceFilter filter = spec.filter.value_or(DeviceFilter{});
  if (spec.group_id) {
    int exists = 0;
    lease.sql() << "SELECT COUNT(*) FROM device_groups WHERE company_id = :c AND id = :id",
        soci::use(company.value()), soci::use(spec.group_id->value()), soci::into(exists);
    if (!exists) return InvalidArgument("group_id", "no such device group");
    filter.group_id = spec.group_id;
  }
  detail::SqlBinds binds;
  auto where = detail::DeviceCondition(lease, company, filter, now, binds);
  if (!where) return where.error();
  auto select = (lease.sql().prepare << "SELECT d.id, d.product_class, d.model, d.hardware_version, "
                                        "d.software_version FROM devices d WHERE " +
                                            *where + " ORDER BY d.id");
  binds.ApplyTo(select);
  soci::rowset<soci::row> rows(select);
  std::vector<CampaignDevice> devices;
  for (const auto& r : rows) {
    devices.push_back({DeviceId{r.get<std::string>(0)}, r.get<std::string>(1), r.get<std::string>(2),
                       r.get<std::string>(3), r.get<std::string>(4)});
    if (devices.size() > settings_.max_devices)
      return Conflict("the target selects more than " + std::to_string(settings_.max_devices) + " devices",
                      "campaign_target_too_large");
  }
  if (devices.empty()) return Conflict("the target selects no devices", "campaign_target_empty");
  auto plan = PlanWaves(std::move(devices), TargetOf(*file), spec.waves);
  if (!plan) return plan.error();

  const CampaignId id = CampaignId::Generate();
  const long long t = Ms(now);
  const std::string state = "running", target = TargetJson(spec), waves = WavesJson(spec.waves);
  const std::optional<std::string> window = WindowJson(spec.window);
  const std::optional<std::string> created_by = actor.id ? std::optional(actor.id->value()) : std::nullopt;
  const auto min_success = static_cast<long long>(spec.min_success_before_next_wave);
  const auto concurrency = static_cast<long long>(spec.concurrency);
  const long long timeout = spec.device_timeout.count();
  lease.sql()
      << "INSERT INTO campaigns (id, company_id, name, firmware_id, target, waves, "
         "failure_threshold_percent, min_success_before_next_wave, time_window, concurrency, "
         "device_timeout_ms, state, current_wave, wave_accepted, created_by, created_by_login, "
         "created_at, updated_at) VALUES (:id, :c, :n, :f, :tg, :w, :th, :ms, :win, :cc, :to, :st, 0, 0, "
         ":cb, :cl, :ca, :ua)",
      soci::use(id.value()), soci::use(company.value()), soci::use(spec.name),
      soci::use(spec.firmware_id.value()), soci::use(target), soci::use(waves),
      soci::use(spec.failure_threshold_percent), soci::use(min_success), soci::use(window),
      soci::use(concurrency), soci::use(timeout), soci::use(state), soci::use(created_by),
      soci::use(actor.login), soci::use(t), soci::use(t);
  {
    int wave = 0;
    long long size = 0;
    soci::statement insert = (lease.sql().prepare << "INSERT INTO campaign_waves (campaign_id, wave, size) "
                                                     "VALUES (:c, :w, :n)",
                              soci::use(id.value()), soci::use(wave), soci::use(size));
    for (std::size_t i = 0; i < plan->wave_sizes.size(); ++i) {
      wave = static_cast<int>(i);
      size = static_cast<long long>(plan->wave_sizes[i]);
      insert.execute(true);
    }
  }
  {
    std::string device, eligibility;
    int wave = -1;
    soci::statement insert =
        (lease.sql().prepare << "INSERT INTO campaign_devices (campaign_id, device_id, company_id, wave, "
                                "eligibility) VALUES (:c, :d, :co, :w, :e)",
         soci::use(id.value()), soci::use(device), soci::use(company.value()), soci::use(wave),
         soci::use(eligibility));
    for (const auto& d : plan->devices) {
      device = d.id.value();
      wave = d.wave;
      eligibility = std::string(ToString(d.eligibility));
      insert.execute(true);
    }
  }
  auto created = Load(lease, company, id);
  // Nothing to download (every device skipped or already on the version): finished at once.
  Notify(lease, now, Advance(lease, *created, 0, now));
  tx.Commit();
  return *Load(lease, company, id);
}

Page<Campaign> CampaignRepository::List(const CompanyId& company, const PageRequest& page) {
  auto lease = db_.Acquire();
  const auto [after_at, after_id] = NewestFirstCursor(page.after);
  const long long limit = static_cast<long long>(page.limit) + 1;
  std::vector<CampaignId> ids;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare
             << "SELECT id FROM campaigns WHERE company_id = :c AND (created_at < :at OR "
                "(created_at = :at2 AND id < :id)) ORDER BY created_at DESC, id DESC LIMIT :n",
         soci::use(company.value()), soci::use(after_at), soci::use(after_at), soci::use(after_id),
         soci::use(limit));
    for (const auto& r : rows) ids.emplace_back(r.get<std::string>(0));
  }
  std::vector<Campaign> out;
  for (const auto& id : ids)
    if (auto c = Load(lease, company, id)) out.push_back(std::move(*c));
  return MakePage(std::move(out), page.limit,
                  [](const Campaign& c) { return NewestFirstKey(Ms(c.created_at), c.id.value()); });
}

Result<Campaign> CampaignRepository::Get(const CompanyId& company, const CampaignId& id) {
  auto lease = db_.Acquire();
  auto c = Load(lease, company, id);
  if (!c) return NotFoundCampaign();
  return *c;
}

Result<Page<CampaignDeviceRow>> CampaignRepository::Devices(const CompanyId& company, const CampaignId& id,
                                                            const CampaignDeviceFilter& filter,
                                                            const PageRequest& page) {
  static const std::map<std::string, std::string> kStateCondition{
      {"pending", "cd.eligibility = 'eligible' AND (cd.task_id IS NULL OR t.state = 'queued')"},
      {"running", "t.state = 'running'"},
      {"done", "(cd.eligibility = 'already_current' OR t.state = 'done')"},
      {"failed", "t.state = 'failed'"},
      {"skipped",
       "(cd.eligibility NOT IN ('eligible', 'already_current') OR (cd.task_id IS NOT NULL AND t.id IS "
       "NULL))"},
      {"cancelled", "t.state = 'cancelled'"},
  };
  std::string condition = "1 = 1";
  if (filter.state) {
    auto it = kStateCondition.find(*filter.state);
    if (it == kStateCondition.end())
      return InvalidArgument("state", "state is one of pending, running, done, failed, skipped, cancelled");
    condition = it->second;
  }
  auto lease = db_.Acquire();
  int exists = 0;
  lease.sql() << "SELECT COUNT(*) FROM campaigns WHERE company_id = :c AND id = :id",
      soci::use(company.value()), soci::use(id.value()), soci::into(exists);
  if (!exists) return NotFoundCampaign();
  // Waves in order, the devices in no wave last; cursor "<order>:<device id>".
  constexpr const char* kOrder = "(CASE WHEN cd.wave < 0 THEN 1000 ELSE cd.wave END)";
  long long after_order = -1;
  std::string after_device;
  if (page.after) {
    const auto colon = page.after->find(':');
    try {
      if (colon != std::string::npos) {
        after_order = std::stoll(page.after->substr(0, colon));
        after_device = page.after->substr(colon + 1);
      }
    } catch (const std::exception&) {
      after_order = -1;
    }
  }
  const int wave = filter.wave.value_or(0);
  const int any_wave = filter.wave ? 0 : 1;
  const long long limit = static_cast<long long>(page.limit) + 1;
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << std::string(
                  "SELECT cd.device_id, d.serial_number, d.model, cd.wave, cd.eligibility, cd.task_id, "
                  "t.state, t.fault_code, t.error, t.finished_at FROM") +
                  "  campaign_devices cd LEFT JOIN devices d ON d.id = cd.device_id AND d.company_id = "
                  "cd.company_id LEFT JOIN tasks t ON t.id = cd.task_id WHERE cd.campaign_id = :c AND "
                  "cd.company_id = :co AND (:any = 1 OR cd.wave = :w) AND (" +
                  kOrder + " > :ao OR (" + kOrder + " = :ao2 AND cd.device_id > :ad)) AND " + condition +
                  " ORDER BY " + kOrder + ", cd.device_id LIMIT :n",
       soci::use(id.value()), soci::use(company.value()), soci::use(any_wave), soci::use(wave),
       soci::use(after_order), soci::use(after_order), soci::use(after_device), soci::use(limit));
  std::vector<CampaignDeviceRow> out;
  for (const auto& r : rows) {
    CampaignDeviceRow d;
    d.device_id = DeviceId{r.get<std::string>(0)};
    if (r.get_indicator(1) == soci::i_ok) d.serial_number = r.get<std::string>(1);
    if (r.get_indicator(2) == soci::i_ok) d.model = r.get<std::string>(2);
    d.wave = static_cast<int>(db::RowInteger(r, 3));
    const bool has_task = r.get_indicator(5) == soci::i_ok;
    if (has_task) d.task_id = TaskId{r.get<std::string>(5)};
    std::optional<std::string> state;
    if (r.get_indicator(6) == soci::i_ok) state = r.get<std::string>(6);
    std::optional<int> fault;
    if (r.get_indicator(7) == soci::i_ok) fault = static_cast<int>(db::RowInteger(r, 7));
    const std::string error = r.get_indicator(8) == soci::i_ok ? r.get<std::string>(8) : "";
    if (r.get_indicator(9) == soci::i_ok) d.finished_at = FromUnixMillis(db::RowInteger(r, 9));
    const Standing s = Classify(r.get<std::string>(4), has_task, state, fault, error);
    d.state = s.state;
    d.reason = s.reason;
    out.push_back(std::move(d));
  }
  return MakePage(std::move(out), page.limit, [](const CampaignDeviceRow& d) {
    return std::to_string(d.wave < 0 ? 1000 : d.wave) + ":" + d.device_id.value();
  });
}

Result<Campaign> CampaignRepository::Pause(const CompanyId& company, const CampaignId& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const long long t = Ms(clock_.Now());
  soci::statement st =
      (lease.sql().prepare << "UPDATE campaigns SET state = 'paused', pause_reason = "
                              "'operator', updated_at = :t WHERE company_id = :c AND id = :id "
                              "AND state = 'running'",
       soci::use(t), soci::use(company.value()), soci::use(id.value()));
  st.execute(true);
  auto c = Load(lease, company, id);
  if (!c) return NotFoundCampaign();
  if (st.get_affected_rows() == 0) return Conflict("the campaign is not running", "campaign_not_running");
  tx.Commit();
  return *c;
}

Result<Campaign> CampaignRepository::Resume(const CompanyId& company, const CampaignId& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const Timestamp now = clock_.Now();
  const long long t = Ms(now);
  auto before = Load(lease, company, id);
  if (!before) return NotFoundCampaign();
  if (before->state != CampaignState::kPaused)
    return Conflict("the campaign is not paused", "campaign_not_paused");
  // A pause of the engine: the operator accepts the wave as it stands.
  const int accepted = before->pause_reason != "operator" || before->wave_accepted ? 1 : 0;
  lease.sql()
      << "UPDATE campaigns SET state = 'running', pause_reason = NULL, wave_accepted = :a, updated_at = "
         ":t WHERE id = :id",
      soci::use(accepted), soci::use(t), soci::use(id.value());
  const long long expires = Ms(now + before->spec.device_timeout);
  lease.sql() << "UPDATE tasks SET expires_at = CASE WHEN expires_at < :e THEN :e2 ELSE expires_at END WHERE "
                 "campaign_id = :c AND state = 'queued'",
      soci::use(expires), soci::use(expires), soci::use(id.value());
  lease.sql() << "UPDATE campaign_devices SET woken = 0 WHERE campaign_id = :c", soci::use(id.value());
  auto c = Load(lease, company, id);
  tx.Commit();
  return *c;
}

Result<Campaign> CampaignRepository::Cancel(const CompanyId& company, const CampaignId& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const long long t = Ms(clock_.Now());
  auto before = Load(lease, company, id);
  if (!before) return NotFoundCampaign();
  if (before->state == CampaignState::kCancelled || before->state == CampaignState::kFinished)
    return Conflict("the campaign has ended", "campaign_ended");
  lease.sql()
      << "UPDATE campaigns SET state = 'cancelled', pause_reason = NULL, finished_at = :t, updated_at = "
         ":t2 WHERE id = :id",
      soci::use(t), soci::use(t), soci::use(id.value());
  lease.sql()
      << "UPDATE tasks SET state = 'cancelled', finished_at = :t WHERE campaign_id = :c AND company_id = "
         ":co AND state = 'queued'",
      soci::use(t), soci::use(id.value()), soci::use(company.value());
  EndWave(lease, id, before->current_wave, clock_.Now());
  auto c = Load(lease, company, id);
  tx.Commit();
  return *c;
}

bool CampaignRepository::UsesFirmware(db::Lease& lease, const CompanyId& company, const FirmwareId& file) {
  int n = 0;
  lease.sql() << "SELECT COUNT(*) FROM campaigns WHERE company_id = :c AND firmware_id = :f AND state IN "
                 "('running', 'paused')",
      soci::use(company.value()), soci::use(file.value()), soci::into(n);
  return n > 0;
}

void CampaignRepository::DeleteAllOf(db::Lease& lease, const CompanyId& company) {
  lease.sql()
      << "DELETE FROM campaign_waves WHERE campaign_id IN (SELECT id FROM campaigns WHERE company_id = :c)",
      soci::use(company.value());
  lease.sql() << "DELETE FROM campaign_devices WHERE company_id = :c", soci::use(company.value());
  lease.sql() << "DELETE FROM campaigns WHERE company_id = :c", soci::use(company.value());
}

CampaignTick CampaignRepository::Tick() {
  CampaignTick out;
  auto lease = db_.Acquire();
  std::vector<std::pair<std::string, std::string>> running;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << "SELECT id, company_id FROM campaigns WHERE state = 'running' ORDER BY id");
    for (const auto& r : rows) running.emplace_back(r.get<std::string>(0), r.get<std::string>(1));
  }
  for (const auto& [id_text, company_text] : running) {
    const CampaignId id{id_text};
    const CompanyId company{company_text};
    const Timestamp now = clock_.Now();
    // Read first: mostly a wave is waiting for its devices, and no write transaction is opened
    // for nothing every few seconds.
    {
      const auto c = LoadForTick(lease, company, id);
      if (!c) continue;
      const TickStep step = Decide(*c, now);
      if (step.kind == TickStep::kNothing ||
          (step.kind == TickStep::kWake && WakeCandidates(lease, *c, now).empty()))
        continue;
    }
    db::WriteTransaction tx(lease);
    const auto c = LoadForTick(lease, company, id);
    if (!c) continue;
    const TickStep step = Decide(*c, now);
    const CampaignWave& wave = c->waves[static_cast<std::size_t>(c->current_wave)];
    std::optional<CampaignEvent> event;
    if (step.kind == TickStep::kPause) {
      const long long t = Ms(now);
      soci::statement st =
          (lease.sql().prepare << "UPDATE campaigns SET state = 'paused', pause_reason = :r, "
                                  "updated_at = :t WHERE id = :c AND state = 'running'",
           soci::use(step.reason), soci::use(t), soci::use(id.value()));
      st.execute(true);
      if (st.get_affected_rows() > 0)
        event = CampaignEvent{company, id, "campaign.paused",
                              json::serialize(json::object{{"name", c->spec.name},
                                                           {"reason", step.reason},
                                                           {"wave", c->current_wave + 1},
                                                           {"failed", wave.counts.failed},
                                                           {"done", wave.counts.done},
                                                           {"devices", wave.downloads}})};
    } else if (step.kind == TickStep::kAdvance) {
      EndWave(lease, id, c->current_wave, now);
      event = Advance(lease, *c, c->current_wave + 1, now);
    } else if (step.kind == TickStep::kWake) {
      const auto wakes = WakeCandidates(lease, *c, now);
      std::string device;
      soci::statement woken = (lease.sql().prepare << "UPDATE campaign_devices SET woken = 1 WHERE "
                                                      "campaign_id = :c AND device_id = :d",
                               soci::use(id.value()), soci::use(device));
      for (const auto& w : wakes) {
        device = w.device_id.value();
        woken.execute(true);
      }
      out.wakes.insert(out.wakes.end(), wakes.begin(), wakes.end());
    }
    if (event) {
      Notify(lease, now, *event);
      out.events.push_back(std::move(*event));
    }
    tx.Commit();
  }
  return out;
}

CampaignRepository::Admission CampaignRepository::Admit(db::Lease& lease, const Task& task,
                                                        const CampaignId& campaign, Timestamp now) {
  std::string state;
  std::string window;
  long long concurrency = 0;
  soci::indicator window_ind = soci::i_null;
  lease.sql() << "SELECT state, time_window, concurrency FROM campaigns WHERE id = :c AND company_id = :co",
      soci::use(campaign.value()), soci::use(task.company_id.value()), soci::into(state),
      soci::into(window, window_ind), soci::into(concurrency);
  const bool found = lease.sql().got_data();
  if (!found || state == "cancelled") {
    const long long t = Ms(now);
    lease.sql()
        << "UPDATE tasks SET state = 'cancelled', finished_at = :t WHERE id = :id AND state = 'queued'",
        soci::use(t), soci::use(task.id.value());
    return Admission::kCancel;
  }
  // An operator's retry after the campaign finished runs as asked.
  if (state == "finished") return Admission::kStart;
  bool hold = state != "running";
  if (!hold) {
    const auto w = ReadWindow(window_ind == soci::i_ok ? std::optional(window) : std::nullopt);
    hold = w && !InWindow(*w, now);
  }
  if (!hold) hold = RunningDownloads(lease, campaign.value()) >= concurrency;
  if (!hold) return Admission::kStart;
  // Held back: the campaign may ask the device to connect again once the task can run.
  lease.sql() << "UPDATE campaign_devices SET woken = 0 WHERE campaign_id = :c AND task_id = :t",
      soci::use(campaign.value()), soci::use(task.id.value());
  return Admission::kHold;
}

}  // namespace kanri::devices
