// The company's recently failed device tasks for the dashboard (issue 18): the operation
// history's task results, each with its device (serial number and model) read once and kept.
import { useQueries } from "@tanstack/react-query";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { Device } from "../api/types";
import { taskFailureOf, type TaskFailure } from "../lib/taskFailures";
import { useAuditRecords } from "./audit";

const DEVICE_STALE_MS = 5 * 60_000;

export function useRecentTaskFailures({ limit = 8, refetchInterval }: { limit?: number; refetchInterval?: number } = {}) {
  const records = useAuditRecords({ action: "tasks.result", outcome: "failed" }, { limit, background: true, refetchInterval });
  const failures: TaskFailure[] = (records.data?.pages[0]?.items ?? []).map(taskFailureOf);
  const ids = [...new Set(failures.flatMap((f) => (f.deviceId ? [f.deviceId] : [])))];
  const devices = useQueries({
    queries: ids.map((id) => ({
      queryKey: keys.device(id),
      queryFn: () => call("get", "/devices/{id}", { path: { id }, background: true }),
      staleTime: DEVICE_STALE_MS,
      retry: false,
    })),
  });
  const byId = new Map<string, Device>();
  devices.forEach((q) => {
    if (q.data) byId.set(q.data.id, q.data);
  });
  return { failures, devices: byId, isLoading: records.isLoading, error: records.error };
}
