// The device inventory (DEV-2): the list a page at a time, one device, its parameters, its
// tags, the counts for the dashboard, the devices onboarding refused and the devices of deleted
// companies (for the provider).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { call, listAll } from "../api/call";
import { keys, polled, type Polling } from "../api/keys";
import type { Device, QueryOf } from "../api/types";

const LIST_POLL_MS = 15_000;
const DEVICE_POLL_MS = 15_000;

export type DeviceQuery = Omit<QueryOf<"devices.list">, "limit" | "cursor" | "format">;

// One page of the list, refreshed every 15 s as a background request (it keeps nobody logged
// in); a fetch the user asked for (opening the page, searching, paging, `searchAgain`) is an
// operation.
export function useDevicePage(query: DeviceQuery, cursor: string | null, pageSize: number) {
  const userFetch = useRef(false);
  const lastKey = useRef("");
  const page = useQuery({
    queryKey: [...keys.devices, query, cursor, pageSize],
    queryFn: ({ queryKey }) => {
      const key = JSON.stringify(queryKey);
      const background = key === lastKey.current && !userFetch.current;
      lastKey.current = key;
      userFetch.current = false;
      return call("get", "/devices", { query: { ...query, limit: pageSize, cursor: cursor ?? undefined }, background });
    },
    placeholderData: keepPreviousData,
    refetchInterval: LIST_POLL_MS,
  });
  // The same search again asks the server again (devices come and go), as the user's fetch.
  const searchAgain = () => {
    userFetch.current = true;
    void page.refetch();
  };
  return { page, searchAgain };
}

// Read and refreshed every 15 s in the background.
export function useDevice(id: string) {
  return useQuery({
    queryKey: keys.device(id),
    queryFn: () => call("get", "/devices/{id}", { path: { id }, background: true }),
    refetchInterval: DEVICE_POLL_MS,
  });
}

export function useDeviceSummary({ enabled = true, refetchInterval }: Omit<Polling, "background"> = {}) {
  return useQuery({
    queryKey: keys.deviceSummary,
    queryFn: () => call("get", "/devices/summary", { background: true }),
    enabled,
    refetchInterval,
  });
}

// The parameter tree as the device last reported it.
export function useDeviceParameters(id: string) {
  return useQuery({
    queryKey: keys.deviceParameters(id),
    queryFn: async () => (await call("get", "/devices/{id}/parameters", { path: { id } })).items,
  });
}

export function useDeleteDevice() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (device: Device) => call("delete", "/devices/{id}", { path: { id: device.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.devices }),
  });
}

// Adds or removes one tag of one device; the device's page shows the answer at once.
export function useDeviceTag(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ tag, add }: { tag: string; add: boolean }) =>
      call(add ? "put" : "delete", "/devices/{id}/tags/{tag}", { path: { id, tag } }),
    onSuccess: (device) => qc.setQueryData(keys.device(id), device),
  });
}

// Adds a tag to each device, one after the other.
export function useTagDevices() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ deviceIds, tag }: { deviceIds: string[]; tag: string }) => {
      for (const id of deviceIds) await call("put", "/devices/{id}/tags/{tag}", { path: { id, tag } });
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.devices }),
  });
}

// Devices that contacted the service but were not attached (the provider's list).
export function useRefusedDevices({ background = false, enabled = true, refetchInterval }: Polling = {}) {
  return useQuery({
    queryKey: polled(keys.refusedDevices, background),
    queryFn: () => listAll("/refused-devices", { background }),
    enabled,
    refetchInterval,
  });
}

// DATA-6: devices of companies deleted after their contract ended (the provider's list), most
// recent contact first.
export function useUnassignedDevices({ background = false, enabled = true, refetchInterval }: Polling = {}) {
  return useQuery({
    queryKey: polled(keys.unassignedDevices, background),
    queryFn: () => listAll("/unassigned-devices", { background }),
    enabled,
    refetchInterval,
  });
}
