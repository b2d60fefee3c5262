// Remote login to a device (DEV-5, devices.remote_login): its current state (none: null),
// read again every few seconds while it opens or closes; opening one (the login ID and the
// one-time password are in that answer only); ending it now.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { ApiError } from "../api/client";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { RemoteLogin } from "../api/types";
import { remoteLoginPollMs, withoutCredentials } from "../lib/remoteLogin";

// The device's latest remote login, or null when it never had one (404 not_found). Polling is a
// background request: watching a countdown keeps nobody logged in (SEC-3). When its state
// changes, the device list's badge is read again (not only after the list's own staleness).
export function useRemoteLogin(deviceId: string, enabled = true) {
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: keys.remoteLogin(deviceId),
    enabled,
    queryFn: async (): Promise<RemoteLogin | null> => {
      try {
        return await call("get", "/devices/{id}/remote-login", { path: { id: deviceId }, background: true });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404 && e.code === "not_found") return null;
        throw e;
      }
    },
    refetchInterval: (query) => remoteLoginPollMs(query.state.data?.state),
  });
  const state = query.data?.state;
  useEffect(() => {
    if (state) void qc.invalidateQueries({ queryKey: keys.devices });
  }, [qc, state]);
  return query;
}

export function useOpenRemoteLogin(deviceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call("post", "/devices/{id}/remote-login", { path: { id: deviceId } }),
    // What GET would answer, without the credentials: the page shows the state at once.
    onSuccess: (opened) => {
      qc.setQueryData<RemoteLogin | null>(keys.remoteLogin(deviceId), withoutCredentials(opened));
      void qc.invalidateQueries({ queryKey: keys.device(deviceId), exact: true });
    },
  });
}

// 409 remote_login_not_open when none is open (it ended meanwhile).
export function useEndRemoteLogin(deviceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call("delete", "/devices/{id}/remote-login", { path: { id: deviceId } }),
    onSuccess: (closing) => {
      qc.setQueryData<RemoteLogin | null>(keys.remoteLogin(deviceId), closing);
      void qc.invalidateQueries({ queryKey: keys.device(deviceId), exact: true });
    },
  });
}
