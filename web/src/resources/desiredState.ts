// DEV-7: the desired configuration. A profile (its parameters and inform interval, and how many
// of its devices are in sync), a device's compliance parameter by parameter and its overrides.
// Compliance changes as devices connect, so it is read again in the background while shown.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { Profile } from "../api/types";

const COMPLIANCE_POLL_MS = 5_000;

export function useProfile(id: string) {
  return useQuery({ queryKey: keys.profile(id), queryFn: () => call("get", "/profiles/{id}", { path: { id } }) });
}

// How many of the profile's devices are in sync, pending, drifting, failed or not compared yet.
export function useProfileCompliance(id: string) {
  return useQuery({
    queryKey: keys.profileCompliance(id),
    queryFn: () => call("get", "/profiles/{id}/compliance", { path: { id }, background: true }),
    refetchInterval: COMPLIANCE_POLL_MS,
  });
}

// The profile's desired state: its parameters and inform interval (the rest of it unchanged).
export function useSaveDesiredState(profile: Profile) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { parameters: Record<string, string>; periodic_inform_interval: number | null; firmware_version: string | null }) =>
      call("patch", "/profiles/{id}", { path: { id: profile.id }, body }),
    onSuccess: (saved) => {
      qc.setQueryData(keys.profile(profile.id), saved);
      void qc.invalidateQueries({ queryKey: keys.profiles });
      void qc.invalidateQueries({ queryKey: keys.devices });
    },
  });
}

export function useDeviceCompliance(id: string) {
  return useQuery({
    queryKey: keys.deviceCompliance(id),
    queryFn: () => call("get", "/devices/{id}/compliance", { path: { id }, background: true }),
    refetchInterval: COMPLIANCE_POLL_MS,
  });
}

export function useDeviceOverrides(id: string, enabled = true) {
  return useQuery({
    queryKey: keys.deviceOverrides(id),
    queryFn: async () => (await call("get", "/devices/{id}/overrides", { path: { id } })).parameters,
    enabled,
  });
}

// Replaces the device's overrides; the server sets them at the device's next session (asking
// an online one to connect).
export function useSetOverrides(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (parameters: Record<string, string>) => call("put", "/devices/{id}/overrides", { path: { id }, body: { parameters } }),
    onSuccess: (saved) => {
      qc.setQueryData(keys.deviceOverrides(id), saved.parameters);
      void qc.invalidateQueries({ queryKey: keys.deviceCompliance(id) });
      void qc.invalidateQueries({ queryKey: keys.device(id) });
    },
  });
}
