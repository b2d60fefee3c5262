// DEV-8: the company's faults (GET /faults: the devices whose latest ended task failed, grouped
// by fault), the devices of one group a page at a time (GET /tasks/failed?fault=…&latest=true),
// and retrying failed tasks, one (POST /tasks/{id}/retry) or a whole group (POST /tasks/retry),
// asking the devices to connect now. Under ["devices"], so that what changes devices reads
// them again, and a retry refreshes the device lists and task lists.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { Answer, ItemOf, Task } from "../api/types";
import type { FailedTask } from "./taskFailures";

const PAGE_SIZE = 50;
const POLL_MS = 30_000;

// One group of GET /faults: the key to list and retry it by ("9005", "timeout"), its devices' count.
export type FaultGroup = ItemOf<"faults.list">;
// What a bulk retry answers: how many tasks were queued again, and they.
export type Retried = Answer<"tasks.retry_many">;

export const faultKeys = {
  all: [...keys.devices, "faults"] as const,
  devices: (fault: string) => [...keys.devices, "faults", fault] as const,
};

export function useFaults() {
  return useQuery({
    queryKey: faultKeys.all,
    queryFn: async () => (await call("get", "/faults")).items,
    refetchInterval: POLL_MS,
  });
}

// The devices of one group, each with its latest failed task; the first page when `fault` is set.
export function useFaultDevices(fault: string | null) {
  return useInfiniteQuery({
    queryKey: faultKeys.devices(fault ?? ""),
    queryFn: ({ pageParam }) =>
      call("get", "/tasks/failed", { query: { limit: PAGE_SIZE, cursor: pageParam, fault: fault ?? "", latest: "true" } }),
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
    mutationFn: (task: Pick<Task, "id" | "device_id">) => call("post", "/tasks/{id}/retry", { path: { id: task.id }, body: { now: true } }),
    onSuccess: (task) => after([task.device_id]),
  });
}

// Every device of a fault group, all or nothing (404/409 name the first task that stands in the way).
export function useRetryFault() {
  const after = useAfterRetry();
  return useMutation({
    mutationFn: (group: FaultGroup): Promise<Retried> => call("post", "/tasks/retry", { body: { fault: group.fault, now: true } }),
    onSuccess: (answer) => after(answer.items.map((t) => t.device_id)),
  });
}
