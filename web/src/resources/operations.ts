// Running the service (issue 12), for the provider's site administrators (provider.operations):
// the periodic jobs and running one now, the mail outbox with resend, and the SEC-2 login alarms.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, listAll } from "../api/call";
import { keys, polled, type Polling } from "../api/keys";
import type { Mail, MailState, ScheduledJob } from "../api/types";

const PAGE_SIZE = 100;

// The jobs with their last outcome and next run; the jobs page polls them in the background.
export function useScheduledJobs({ background = false, enabled = true, refetchInterval }: Polling = {}) {
  return useQuery({
    queryKey: polled(keys.scheduledJobs, background),
    queryFn: () => listAll("/operations/jobs", { background }),
    enabled,
    refetchInterval,
  });
}

// Runs a job now (on the server's job thread, after whatever runs there) and answers its
// outcome; 409 job_running while it runs here or on another node.
export function useRunJob() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (job: ScheduledJob) => call("post", "/operations/jobs/{name}/run", { path: { name: job.name } }),
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.scheduledJobs }),
  });
}

// The outbox, newest first, a page at a time; "" for every state.
export function useMailOutbox(state: MailState | "") {
  return useInfiniteQuery({
    queryKey: [...keys.mail, "list", state],
    queryFn: ({ pageParam }) =>
      call("get", "/operations/mail", { query: { state: state || undefined, limit: PAGE_SIZE, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

// One mail with its text.
export function useMailItem(id: string) {
  return useQuery({ queryKey: keys.mailItem(id), queryFn: () => call("get", "/operations/mail/{id}", { path: { id } }) });
}

// Queues a failed or sent mail again (24 hours of retries); 409 mail_pending while it waits.
export function useResendMail() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (mail: Mail) => call("post", "/operations/mail/{id}/resend", { path: { id: mail.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.mail }),
  });
}

// SEC-2: alarms on bursts of failed logins, newest first, a page at a time.
export function useLoginAlarms() {
  return useInfiniteQuery({
    queryKey: keys.loginAlarms,
    queryFn: ({ pageParam }) => call("get", "/operations/login-alarms", { query: { limit: PAGE_SIZE, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
