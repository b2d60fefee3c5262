// Device tasks (DEV-3): one device's tasks with live status, tasks queued on many devices at
// once, and a device group's job (its progress: resources/jobs.ts).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { DeviceGroup, RequestBody, Task, TaskRequest } from "../api/types";
import { isActive } from "../lib/tasks";

const ACTIVE_POLL_MS = 2000;
const IDLE_POLL_MS = 15_000;

// Polled in the background: every 2 s while a task is queued or running, else every 15 s.
export function useDeviceTasks(deviceId: string) {
  return useQuery({
    queryKey: keys.deviceTasks(deviceId),
    queryFn: async () => (await call("get", "/devices/{id}/tasks", { path: { id: deviceId }, query: { limit: 50 }, background: true })).items,
    refetchInterval: (q) => ((q.state.data ?? []).some((task) => isActive(task.state)) ? ACTIVE_POLL_MS : IDLE_POLL_MS),
  });
}

export function useCreateTask(deviceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TaskRequest) => call("post", "/devices/{id}/tasks", { path: { id: deviceId }, body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.deviceTasks(deviceId) }),
  });
}

export interface Queued {
  queued: number;
  errors: unknown[];
  // Issue 18: the tasks queued, each with what asking its device to connect now gave.
  tasks: Task[];
}

// Queues the same task on each device; resolves with how many were queued and the failures.
export function useCreateTasks() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ deviceIds, body }: { deviceIds: string[]; body: TaskRequest }): Promise<Queued> => {
      const results = await Promise.allSettled(deviceIds.map((id) => call("post", "/devices/{id}/tasks", { path: { id }, body })));
      const tasks = results.filter((r): r is PromiseFulfilledResult<Task> => r.status === "fulfilled").map((r) => r.value);
      return {
        queued: tasks.length,
        errors: results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r): unknown => r.reason),
        tasks,
      };
    },
    onSuccess: (_, { deviceIds }) => {
      void qc.invalidateQueries({ queryKey: keys.devices });
      for (const id of deviceIds) void qc.invalidateQueries({ queryKey: keys.deviceTasks(id) });
    },
  });
}

// Issue 18: one task per device the device list's filter selects now, as a job ("select all N").
export function useStartFilterJob() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestBody<"jobs.create_for_filter">) => call("post", "/devices/jobs", { body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.devices });
      void qc.invalidateQueries({ queryKey: keys.jobs });
    },
  });
}

export function useCancelTask(deviceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (task: Task) => call("post", "/tasks/{id}/cancel", { path: { id: task.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.deviceTasks(deviceId) }),
  });
}

// One task per device of the group, as a job.
export function useStartGroupJob(group: DeviceGroup) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TaskRequest) => call("post", "/device-groups/{id}/tasks", { path: { id: group.id }, body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.jobs }),
  });
}
