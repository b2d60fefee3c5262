// DEV-6: the company's firmware campaigns, newest first; one with its waves; its devices by wave
// and state a page at a time; creating one; pausing, resuming and cancelling it. Polled every
// 3 s while a campaign shown may still change (running or paused; the server ticks campaigns
// every 5 s), as background requests: only opening the screen and "more" are the user's.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { Campaign, CampaignCreate } from "../api/types";
import { campaignLive } from "../lib/campaigns";

const PAGE_SIZE = 50;
const DEVICES_PAGE_SIZE = 100;
const ACTIVE_POLL_MS = 3000;
const IDLE_POLL_MS = 30_000;

export function useCampaigns() {
  const loaded = useRef(false);
  return useInfiniteQuery({
    queryKey: keys.campaigns,
    queryFn: async ({ pageParam }) => {
      const page = await call("get", "/campaigns", { query: { limit: PAGE_SIZE, cursor: pageParam }, background: loaded.current && pageParam === undefined });
      loaded.current = true;
      return page;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (q) => ((q.state.data?.pages ?? []).some((p) => p.items.some(campaignLive)) ? ACTIVE_POLL_MS : IDLE_POLL_MS),
  });
}

export function useCampaign(id: string) {
  const loaded = useRef(false);
  return useQuery({
    queryKey: keys.campaign(id),
    queryFn: async () => {
      const c = await call("get", "/campaigns/{id}", { path: { id }, background: loaded.current });
      loaded.current = true;
      return c;
    },
    // Not once it has ended, nor for one that could not be read (gone, not allowed).
    refetchInterval: (q) => (q.state.data && campaignLive(q.state.data) ? ACTIVE_POLL_MS : false),
  });
}

// The campaign's devices, of one wave ("" every wave) in one state ("" every state); polled
// while `live`.
export function useCampaignDevices(id: string, wave: string, state: string, live: boolean) {
  const loaded = useRef(false);
  return useInfiniteQuery({
    queryKey: keys.campaignDevices(id, wave, state),
    queryFn: async ({ pageParam }) => {
      const page = await call("get", "/campaigns/{id}/devices", {
        path: { id },
        query: { limit: DEVICES_PAGE_SIZE, cursor: pageParam, ...(wave ? { wave } : {}), ...(state ? { state } : {}) },
        background: loaded.current && pageParam === undefined,
      });
      loaded.current = true;
      return page;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: live ? ACTIVE_POLL_MS : false,
  });
}

export function useCreateCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CampaignCreate) => call("post", "/campaigns", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.campaigns }),
  });
}

export type CampaignAction = "pause" | "resume" | "cancel";

// Pause, resume or cancel; the answer (the campaign as it is now) replaces the one shown.
export function useCampaignAction(action: CampaignAction) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (c: Campaign) =>
      action === "pause"
        ? call("post", "/campaigns/{id}/pause", { path: { id: c.id } })
        : action === "resume"
          ? call("post", "/campaigns/{id}/resume", { path: { id: c.id } })
          : call("post", "/campaigns/{id}/cancel", { path: { id: c.id } }),
    onSuccess: (c) => {
      qc.setQueryData(keys.campaign(c.id), c);
      void qc.invalidateQueries({ queryKey: keys.campaigns });
      void qc.invalidateQueries({ queryKey: keys.devices });
    },
  });
}
