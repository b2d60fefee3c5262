// Webhooks (SEC-9, tokens.write): the company's list, one webhook, creating (the signing
// secret is in the creation's answer only), changing, deleting, a test event, and the delivery
// log a page at a time.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { DeliveryState, Webhook, WebhookCreate, WebhookPatch } from "../api/types";
import { isPending } from "../lib/webhooks";

const DELIVERY_PAGE_SIZE = 50;
// While a delivery is on its way (a test just sent), the log is read again this often.
const PENDING_POLL_MS = 5_000;

export function useWebhooks() {
  return useQuery({ queryKey: keys.webhooks, queryFn: async () => (await call("get", "/webhooks")).items });
}

export function useWebhook(id: string) {
  return useQuery({ queryKey: keys.webhook(id), queryFn: () => call("get", "/webhooks/{id}", { path: { id } }) });
}

export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: WebhookCreate) => call("post", "/webhooks", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.webhooks }),
  });
}

// The answer is the webhook as saved; the list and its page show it at once.
export function useUpdateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: WebhookPatch }) => call("patch", "/webhooks/{id}", { path: { id }, body: patch }),
    onSuccess: (webhook) => {
      qc.setQueryData(keys.webhook(webhook.id), webhook);
      void qc.invalidateQueries({ queryKey: keys.webhooks, exact: true });
    },
  });
}

export function useDeleteWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (webhook: Webhook) => call("delete", "/webhooks/{id}", { path: { id: webhook.id } }),
    onSuccess: (_, webhook) => {
      // Not those the webhook's page still shows until it leaves: they would be read again (404).
      qc.removeQueries({ queryKey: keys.webhook(webhook.id), type: "inactive" });
      void qc.invalidateQueries({ queryKey: keys.webhooks, exact: true });
    },
  });
}

// Queues a "webhook.test" event for this webhook alone; its delivery appears in the log.
export function useSendTestEvent() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (webhook: Webhook) => call("post", "/webhooks/{id}/test", { path: { id: webhook.id } }),
    onSuccess: (_, webhook) => void qc.invalidateQueries({ queryKey: keys.webhookDeliveries(webhook.id) }),
  });
}

// The delivery log, newest first, a page at a time; "" for every state. Read again every few
// seconds while a delivery shown is still queued or sending; each time it was read again, so is
// the webhook (its last delivery and failing state change with the log).
export function useDeliveries(id: string, state: DeliveryState | "") {
  const qc = useQueryClient();
  const log = useInfiniteQuery({
    queryKey: [...keys.webhookDeliveries(id), state],
    queryFn: ({ pageParam }) =>
      call("get", "/webhooks/{id}/deliveries", {
        path: { id },
        query: { state: state || undefined, limit: DELIVERY_PAGE_SIZE, cursor: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((d) => isPending(d.state))) ? PENDING_POLL_MS : false,
  });
  const readAt = log.dataUpdatedAt;
  const firstReadAt = useRef(readAt);
  useEffect(() => {
    if (firstReadAt.current === 0) firstReadAt.current = readAt;
    else if (readAt !== firstReadAt.current) void qc.invalidateQueries({ queryKey: keys.webhook(id), exact: true });
  }, [qc, id, readAt]);
  return log;
}
