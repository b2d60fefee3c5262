// The device domain's webhook events (SEC-9, webhooks/webhooks.h), queued in the caller's write
// transaction, ordered per device:
//   device.created  {device_id, serial_number, oui, product_class}   a device joined the company
//   device.deleted  {device_id, serial_number, oui, product_class, reason: deleted | retention |
//                    unallocated | reallocated}
//   task.done / task.failed  {task_id, device_id, type, job_id, fault_code, fault_string, error}
//                    for operators' tasks (Kanri's own provisioning is not announced)
//   job.finished    {job_id, total, done, failed, cancelled}  when a job's last task ended
#pragma once

#include <string_view>

#include "db/database.h"
#include "devices/model.h"

namespace kanri::devices {

void EmitDeviceCreated(db::Lease& lease, Timestamp now, const Device& device);
// Call before the device's rows go (it reads the serial number).
void EmitDeviceDeleted(db::Lease& lease, Timestamp now, const CompanyId& company, const DeviceId& device,
                       std::string_view reason);
// Whatever follows from a task that just ended (done, failed, cancelled): its webhook events,
// and the next step of the remote login it belongs to (devices/remote_login.h).
void TaskEnded(db::Lease& lease, Timestamp now, const Task& task);

}  // namespace kanri::devices
