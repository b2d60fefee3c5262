// The operation history (SEC-6), newest first, a page at a time.
import { useInfiniteQuery } from "@tanstack/react-query";
import { call } from "../api/call";
import { keys, type Polling } from "../api/keys";
import type { QueryOf } from "../api/types";

export type AuditQuery = Omit<QueryOf<"audit.query">, "limit" | "cursor">;

// `limit` records per page; the dashboard reads the first page of the newest, in the background.
export function useAuditRecords(query: AuditQuery, { limit = 100, background = false, enabled = true, refetchInterval }: Polling & { limit?: number } = {}) {
  return useInfiniteQuery({
    queryKey: [...keys.audit, query, limit, background],
    queryFn: ({ pageParam }) => call("get", "/audit", { query: { ...query, limit, cursor: pageParam }, background }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
    refetchInterval,
  });
}
