// DEV-8: the company's faults (GET /faults: the devices whose latest ended task failed, grouped
// by fault), the devices of one group a page at a time (GET /tasks/failed?fault=…&latest=true),
// and retrying failed tasks, one (POST /tasks/{id}/retry) or a whole group (POST /tasks/retry),
// asking the devices to connect now. Under ["devices"], so that what changes devices reads
// them again, and a retry refreshes the device lists and task lists.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Page } from "../api/client";
import { keys } from "../api/keys";
import type { Task } from "../api/types";
import type { FailedTask } from "./taskFailures";

const PAGE_SIZE = 50;
const POLL_MS = 30_000;

// One group of GET /faults (written out until the generated schema has the route).
export interface FaultGroup {
  fault: string;
  fault_code: number | null;
  meaning: string | null;
  error: string | null;
  devices: number;
  last_at: string;
  last_at_jst: string;
}

export const faultKeys = {
  all: [...keys.devices, "faults"] as const,
  devices: (fault: string) => [...keys.devices, "faults", fault] as const,
};

export function useFaults() {
  return useQuery({
    queryKey: faultKeys.all,
    queryFn: async () => (await api<{ items: FaultGroup[] }>("/faults")).items,
    refetchInterval: POLL_MS,
  });
}

// The devices of one group, each with its latest failed task; the first page when `fault` is set.
export function useFaultDevices(fault: string | null) {
  return useInfiniteQuery({
    queryKey: faultKeys.devices(fault ?? ""),
    queryFn: ({ pageParam }) =>
      api<Page<FailedTask>>("/tasks/failed", { query: { limit: PAGE_SIZE, cursor: pageParam, fault: fault ?? "", latest: "true" } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: fault !== null,
  });
}

export type { FailedTask };

function useAfterRetry() {
  const qc = useQueryClient();
  return (deviceIds: string[]) => {
    void qc.invalidateQueries({ queryKey: keys.devices });
    void qc.invalidateQueries({ queryKey: keys.jobs });
    for (const id of new Set(deviceIds)) void qc.invalidateQueries({ queryKey: keys.deviceTasks(id) });
  };
}

// Queues one failed task again (attempt 1) and asks its device to connect now.
export function useRetryTask() {
  const after = useAfterRetry();
  return useMutation({
    mutationFn: (task: Pick<Task, "id" | "device_id">) => api<Task>(`/tasks/${encodeURIComponent(task.id)}/retry`, { method: "POST", body: { now: true } }),
    onSuccess: (task) => after([task.device_id]),
  });
}

export interface Retried {
  retried: number;
  items: Task[];
}

// Every device of a fault group, all or nothing (404/409 name the first task that stands in the way).
export function useRetryFault() {
  const after = useAfterRetry();
  return useMutation({
    mutationFn: (group: FaultGroup) => api<Retried>("/tasks/retry", { method: "POST", body: { fault: group.fault, now: true } }),
    onSuccess: (answer) => after(answer.items.map((t) => t.device_id)),
  });
}
