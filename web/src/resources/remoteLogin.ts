// Remote login to a device (DEV-5, devices.remote_login): its current state (none: null),
// read again every few seconds while it opens or closes; opening one (the login ID and the
// one-time password are in that answer only); ending it now.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError } from "../api/client";
import { callIntegration, type OpenedRemoteLogin, type RemoteLogin } from "../api/integrations";
import { keys } from "../api/keys";
import { remoteLoginPollMs } from "../lib/remoteLogin";

// The device's latest remote login, or null when it never had one (404 not_found). Polling is a
// background request: watching a countdown keeps nobody logged in (SEC-3).
export function useRemoteLogin(deviceId: string, enabled = true) {
  return useQuery({
    queryKey: keys.remoteLogin(deviceId),
    enabled,
    queryFn: async () => {
      try {
        return await callIntegration<RemoteLogin>("GET", "/devices/{id}/remote-login", { path: { id: deviceId }, background: true });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404 && e.code === "not_found") return null;
        throw e;
      }
    },
    refetchInterval: (query) => remoteLoginPollMs(query.state.data?.state),
  });
}

export function useOpenRemoteLogin(deviceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => callIntegration<OpenedRemoteLogin>("POST", "/devices/{id}/remote-login", { path: { id: deviceId } }),
    // What GET would answer, without the credentials: the page shows the state at once.
    onSuccess: (opened) => {
      const shown: RemoteLogin = { id: opened.id, state: opened.state, url: opened.url, expires_at: opened.expires_at, opened_at: null, closed_at: null, error: "" };
      qc.setQueryData(keys.remoteLogin(deviceId), shown);
      void qc.invalidateQueries({ queryKey: keys.device(deviceId), exact: true });
    },
  });
}

export function useEndRemoteLogin(deviceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => callIntegration<RemoteLogin>("DELETE", "/devices/{id}/remote-login", { path: { id: deviceId } }),
    onSuccess: (closing) => {
      qc.setQueryData(keys.remoteLogin(deviceId), closing);
      void qc.invalidateQueries({ queryKey: keys.device(deviceId), exact: true });
    },
  });
}
