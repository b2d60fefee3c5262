// The company's recently failed device tasks for the dashboard (issue 18): GET /tasks/failed,
// latest failure first, each with its device's serial number and model (empty when the device
// was deleted since). Under ["devices"], so that what changes devices reads it again.
import { useQuery } from "@tanstack/react-query";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { ItemOf } from "../api/types";

export type FailedTask = ItemOf<"tasks.failed">;

export function useRecentTaskFailures({ limit = 8, refetchInterval }: { limit?: number; refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: [...keys.devices, "failed-tasks", limit],
    queryFn: () => call("get", "/tasks/failed", { query: { limit }, background: true }),
    select: (page) => page.items,
    refetchInterval,
  });
}
