// DEV-6: firmware campaigns. One firmware file goes to the devices of a group or a filter, wave
// after wave, never to a device it is not for, and stops by itself when a wave fails too often.
//
//   CampaignRepository campaigns{db, clock};
//   auto c = campaigns.Create(company, {.name = "HG-5 2.1", .firmware_id = file, .group_id = g,
//                                      .waves = {{.count = 5}, {.percent = 50}, {.percent = 100}}},
//                             actor);
//   auto tick = campaigns.Tick();   // every few seconds: waves end and start, devices to wake
//   campaigns.Resume(company, c->id, actor);
//
// How a campaign runs:
//   - At creation the target's devices are planned once (devices/campaign_plan.h): a device the
//     file is not for is skipped with the reason, one already on its version is done without a
//     download, the others are spread over the waves. The first wave starts at once.
//   - A wave starts by queueing one download task per device (tasks.campaign_id), checked again
//     against the device as it is then. Its devices run them at their next session, woken by a
//     connection request, at most `concurrency` at once and only inside the window (JST);
//     TaskFlow::StartNext asks Admit before it starts one. Offline devices take theirs at their
//     next contact inside the window; a task still waiting after device_timeout fails (timeout).
//   - Tick pauses a running campaign once the current wave's failures pass
//     failure_threshold_percent of its devices, or when the wave ended with fewer successes than
//     min_success_before_next_wave; else, when every task of the wave ended, it starts the next
//     wave, or finishes the campaign after the last.
//   - An operator pauses, resumes (past the wave that paused it: its failures no longer count) or
//     cancels (no new download starts; running ones finish).
//
// Every function takes the CompanyId it acts in (SEC-8), except Tick and Admit, which act on
// rows of every company and return only what the caller passes on as is.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/page.h"
#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "devices/campaign_plan.h"
#include "devices/inventory.h"
#include "devices/model.h"
#include "devices/tasks.h"

namespace kanri::devices {

enum class CampaignState { kRunning, kPaused, kCancelled, kFinished };
std::string_view ToString(CampaignState state);  // running, paused, cancelled, finished

struct CampaignSpec {
  std::string name;  // 1-128 characters
  FirmwareId firmware_id;
  // The target: exactly one of a group (its members, or what its saved filter selects, at
  // creation) and a device list filter.
  std::optional<GroupId> group_id;
  std::optional<DeviceFilter> filter;
  std::vector<WaveSpec> waves;                     // 1 to kMaxWaves
  double failure_threshold_percent = 10;           // 0-100: pauses when failures pass it
  std::size_t min_success_before_next_wave = 1;    // at most the wave's size counts
  std::optional<CampaignWindow> window;            // nullopt: any time
  std::size_t concurrency = 50;                    // 1-10,000 downloads running at once
  Millis device_timeout = std::chrono::hours{24};  // 1 h - 30 days
};

// Devices by how they stand. `done` counts devices already on the version; `skipped` the ones
// the file is not for (or deleted since).
struct CampaignCounts {
  std::size_t total = 0, pending = 0, running = 0, done = 0, failed = 0, skipped = 0, cancelled = 0;
};

struct CampaignWave {
  int index = 0;
  std::size_t size = 0;       // planned
  std::size_t downloads = 0;  // given a download task (its failures are counted against these)
  CampaignCounts counts;
  std::optional<Timestamp> started_at, ended_at;
};

struct Campaign {
  CampaignId id;
  CompanyId company_id;
  CampaignSpec spec;
  std::string firmware_name, firmware_version;  // as the file is now ("" once it is deleted)
  CampaignState state = CampaignState::kRunning;
  std::string pause_reason;  // operator | failure_threshold | min_success, while paused
  int current_wave = 0;
  bool wave_accepted = false;
  CampaignCounts counts;
  std::vector<CampaignWave> waves;
  std::map<std::string, std::size_t> skipped_reasons;  // other_model → 10, ...
  std::map<std::string, std::size_t> failure_reasons;  // "9010" / "timeout" → 4 (FaultKey)
  std::optional<AccountId> created_by;
  std::string created_by_login;
  Timestamp created_at, updated_at;
  std::optional<Timestamp> finished_at;
};

// One device of a campaign, for its page.
struct CampaignDeviceRow {
  DeviceId device_id;
  std::string serial_number;  // "" once deleted
  std::string model;
  int wave = -1;
  std::string state;   // pending | running | done | failed | skipped | cancelled
  std::string reason;  // eligibility (skipped, already_current), FaultKey (failed), else ""
  std::optional<TaskId> task_id;
  std::optional<Timestamp> finished_at;
};

struct CampaignDeviceFilter {
  std::optional<int> wave;
  std::optional<std::string> state;  // one of CampaignDeviceRow's states
};

// What a tick did that the history records, with Kanri as the actor.
struct CampaignEvent {
  CompanyId company_id;
  CampaignId campaign_id;
  std::string action;   // campaign.paused | campaign.wave_started | campaign.finished
  std::string details;  // JSON
};

// A device the caller asks to connect (connection request) for its campaign task.
struct CampaignWake {
  CompanyId company_id;
  DeviceId device_id;
  TaskId task_id;
};

struct CampaignTick {
  std::vector<CampaignEvent> events;
  std::vector<CampaignWake> wakes;
};

struct CampaignSettings {
  std::size_t max_devices = 50'000;  // most devices one campaign's target may select
};

class CampaignRepository {
 public:
  CampaignRepository(db::Database& db, const Clock& clock, CampaignSettings settings = {})
      : db_(db), clock_(clock), settings_(settings) {}

  // Plans the waves and starts the first. InvalidArgument naming the field for a bad spec (a
  // firmware file or group the company does not have included); Conflict "campaign_target_empty"
  // when the target selects no device, "campaign_target_too_large" past max_devices.
  Result<Campaign> Create(const CompanyId& company, const CampaignSpec& spec, const TaskActor& actor);
  // Newest first, with their progress.
  Page<Campaign> List(const CompanyId& company, const PageRequest& page);
  Result<Campaign> Get(const CompanyId& company, const CampaignId& id);
  // The campaign's devices by wave, then device ID.
  Result<Page<CampaignDeviceRow>> Devices(const CompanyId& company, const CampaignId& id,
                                          const CampaignDeviceFilter& filter, const PageRequest& page);
  // running → paused (operator). Conflict "campaign_not_running" otherwise.
  Result<Campaign> Pause(const CompanyId& company, const CampaignId& id);
  // paused → running: a pause of the engine accepts the current wave as it is; waiting tasks
  // get device_timeout from now again. Conflict "campaign_not_paused" otherwise.
  Result<Campaign> Resume(const CompanyId& company, const CampaignId& id);
  // running or paused → cancelled: its tasks still queued are cancelled, running ones finish.
  // Conflict "campaign_ended" once cancelled or finished.
  Result<Campaign> Cancel(const CompanyId& company, const CampaignId& id);
  // Whether a running or paused campaign of the company sends the file (it cannot be deleted).
  static bool UsesFirmware(db::Lease& lease, const CompanyId& company, const FirmwareId& file);
  // DATA-6: every campaign of a company, inside the caller's transaction.
  static void DeleteAllOf(db::Lease& lease, const CompanyId& company);

  // The engine's step for every running campaign (see above); each in its own transaction.
  CampaignTick Tick();

  // Within TaskFlow::StartNext's transaction, for a queued task of a campaign: whether it may
  // start now. kHold leaves it queued (the session goes on with the tasks behind it); kCancel:
  // the campaign ended, the task is cancelled (done here).
  enum class Admission { kStart, kHold, kCancel };
  static Admission Admit(db::Lease& lease, const Task& task, const CampaignId& campaign, Timestamp now);

 private:
  db::Database& db_;
  const Clock& clock_;
  CampaignSettings settings_;
};

}  // namespace kanri::devices
