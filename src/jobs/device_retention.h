// The `device-retention` job (DATA-5): a device that has not contacted the service for the
// retention period (default 90 days) is deleted with its parameter tree and tasks; each
// deletion is recorded in its company's history. So is a device detached from a deleted company
// (DATA-6, devices/unassigned.h), in the provider's history.
#pragma once

#include "audit/operation_history.h"
#include "devices/inventory.h"
#include "devices/unassigned.h"
#include "jobs/scheduler.h"

namespace kanri::jobs {

Counts RunDeviceRetention(devices::DeviceRepository& devices, devices::UnassignedDeviceRepository& unassigned,
                          audit::OperationHistory& history, Millis retention, Timestamp now);

}  // namespace kanri::jobs
