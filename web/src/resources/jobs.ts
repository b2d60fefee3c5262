// Issue 18: the company's jobs (one task per device of a group or of the device list's
// selection), newest first, with their progress; one job with each device's outcome; cancelling
// the tasks of a job that have not started.
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { Job } from "../api/types";
import { jobSettled } from "../lib/jobs";

const PAGE_SIZE = 50;
const TASKS_PAGE_SIZE = 200;
const ACTIVE_POLL_MS = 3000;
const IDLE_POLL_MS = 30_000;

// Polled every 3 s while a job shown is still running, else every 30 s (background requests:
// only opening the screen and "more" are the user's).
export function useJobs() {
  const loaded = useRef(false);
  return useInfiniteQuery({
    queryKey: keys.jobs,
    queryFn: async ({ pageParam }) => {
      const page = await call("get", "/jobs", { query: { limit: PAGE_SIZE, cursor: pageParam }, background: loaded.current && pageParam === undefined });
      loaded.current = true;
      return page;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (q) =>
      (q.state.data?.pages ?? []).some((p) => p.items.some((j) => !jobSettled(j.progress))) ? ACTIVE_POLL_MS : IDLE_POLL_MS,
  });
}

// One job with its devices' tasks a page at a time; polled every 2 s until nothing is queued or running.
export function useJobDetail(id: string) {
  const loaded = useRef(false);
  return useInfiniteQuery({
    queryKey: keys.jobDetail(id),
    queryFn: async ({ pageParam }) => {
      const job = await call("get", "/jobs/{id}", { path: { id }, query: { limit: String(TASKS_PAGE_SIZE), cursor: pageParam }, background: loaded.current });
      loaded.current = true;
      return job;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.tasks?.next_cursor ?? undefined,
    refetchInterval: (q) => {
      const first = q.state.data?.pages[0];
      return first && jobSettled(first.progress) ? false : 2000;
    },
  });
}

// Cancels the job's tasks that have not started (running ones finish); answers the job.
export function useCancelJob() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (job: Job) => call("post", "/jobs/{id}/cancel", { path: { id: job.id } }),
    onSuccess: () => {
      // The list and this job (under the list's key).
      void qc.invalidateQueries({ queryKey: keys.jobs });
      void qc.invalidateQueries({ queryKey: keys.devices });
    },
  });
}
