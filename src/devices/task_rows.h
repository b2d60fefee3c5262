// The tasks table, read and written in one place (for tasks.cpp, the operators' side, and
// task_flow.cpp, the session engine's side).
#pragma once

#include <optional>
#include <string>

#include "db/database.h"
#include "devices/model.h"

namespace kanri::devices::detail {

// Select list of a task row, table alias `t`, in ReadTask's order. Column 4 is `seq`; columns
// selected after it start at kTaskColumnCount.
extern const char* const kTaskColumns;
inline constexpr std::size_t kTaskColumnCount = 24;

// A row selected with kTaskColumns. A state this Kanri does not know reads as failed; a type
// or request it cannot read makes the task failed with error "unreadable" (it never runs).
Task ReadTask(const soci::row& r);

std::optional<Task> LoadTask(db::Lease& lease, const TaskId& id);

// Inserts `task` (queued) at position `seq` of its device.
void InsertTask(db::Lease& lease, const Task& task, long long seq);

// The device's next task position: after every task it has. Call inside the write
// transaction that inserts the task.
long long NextTaskSeq(db::Lease& lease, const DeviceId& device);

}  // namespace kanri::devices::detail
