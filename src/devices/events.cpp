#include "devices/events.h"

#include <boost/json.hpp>

#include "devices/desired_config.h"
#include "devices/remote_login.h"
#include "webhooks/webhooks.h"

namespace kanri::devices {

namespace json = boost::json;

namespace {

json::object DeviceData(const DeviceId& id, const std::string& serial, const std::string& oui,
                        const std::string& product_class) {
  return {
      {"device_id", id.value()}, {"serial_number", serial}, {"oui", oui}, {"product_class", product_class}};
}

json::value Nullable(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

}  // namespace

void EmitDeviceCreated(db::Lease& lease, Timestamp now, const Device& d) {
  webhooks::Emit(lease, now, d.company_id, "device.created", d.id.value(),
                 DeviceData(d.id, d.serial_number, d.oui, d.product_class));
}

void EmitDeviceDeleted(db::Lease& lease, Timestamp now, const CompanyId& company, const DeviceId& device,
                       std::string_view reason) {
  std::string serial, oui, product_class;
  lease.sql() << "SELECT serial_number, oui, product_class FROM devices WHERE id = :id AND company_id = :c",
      soci::use(device.value()), soci::use(company.value()), soci::into(serial), soci::into(oui),
      soci::into(product_class);
  if (!lease.sql().got_data()) return;
  json::object data = DeviceData(device, serial, oui, product_class);
  data["reason"] = reason;
  webhooks::Emit(lease, now, company, "device.deleted", device.value(), data);
}

void TaskEnded(db::Lease& lease, Timestamp now, const Task& task) {
  RemoteLoginTaskEnded(lease, now, task);
  DesiredConfig::SetTaskEnded(lease, task);
  if (task.internal) return;
  if (task.state == TaskState::kDone || task.state == TaskState::kFailed) {
    json::object data{{"task_id", task.id.value()},
                      {"device_id", task.device_id.value()},
                      {"type", ToString(task.type())},
                      {"job_id", task.job_id ? json::value(task.job_id->value()) : json::value(nullptr)},
                      {"fault_code", task.fault_code ? json::value(*task.fault_code) : json::value(nullptr)},
                      {"fault_string", Nullable(task.fault_string)},
                      {"error", Nullable(task.error)}};
    webhooks::Emit(lease, now, task.company_id, task.state == TaskState::kDone ? "task.done" : "task.failed",
                   task.device_id.value(), data);
  }
  if (!task.job_id) return;
  long long open = 0, total = 0, done = 0, failed = 0, cancelled = 0;
  soci::indicator i1 = soci::i_ok, i2 = soci::i_ok, i3 = soci::i_ok, i4 = soci::i_ok;
  lease.sql()
      << "SELECT SUM(CASE WHEN state IN ('queued', 'running') THEN 1 ELSE 0 END), COUNT(*), "
         "SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 "
         "END), SUM(CASE WHEN state = 'cancelled' THEN 1 ELSE 0 END) FROM tasks WHERE job_id = :j",
      soci::use(task.job_id->value()), soci::into(open, i1), soci::into(total), soci::into(done, i2),
      soci::into(failed, i3), soci::into(cancelled, i4);
  if (i1 == soci::i_null || open > 0 || total == 0) return;
  webhooks::Emit(lease, now, task.company_id, "job.finished", "job:" + task.job_id->value(),
                 json::object{{"job_id", task.job_id->value()},
                              {"total", total},
                              {"done", done},
                              {"failed", failed},
                              {"cancelled", cancelled}});
}

}  // namespace kanri::devices
