// Device groups (DEV-3): a static list of devices or a saved search.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, listAll } from "../api/call";
import { keys } from "../api/keys";
import type { DeviceGroup, RequestBody } from "../api/types";

export function useDeviceGroups() {
  return useQuery({ queryKey: keys.deviceGroups, queryFn: () => listAll("/device-groups") });
}

export function useCreateDeviceGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestBody<"device_groups.create">) => call("post", "/device-groups", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.deviceGroups }),
  });
}

export function useDeleteDeviceGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (group: DeviceGroup) => call("delete", "/device-groups/{id}", { path: { id: group.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.deviceGroups }),
  });
}

// Renames a group (and changes a saved search's filter).
export function useUpdateDeviceGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: RequestBody<"device_groups.update"> }) =>
      call("patch", "/device-groups/{id}", { path: { id }, body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.deviceGroups }),
  });
}

// Adds devices to a static group (by ID, serial number or the device list's filter), or
// replaces its devices.
export function useGroupDevices() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body, replace = false }: { id: string; body: RequestBody<"device_groups.add_devices">; replace?: boolean }) =>
      replace ? call("put", "/device-groups/{id}/devices", { path: { id }, body }) : call("post", "/device-groups/{id}/devices", { path: { id }, body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.deviceGroups });
      void qc.invalidateQueries({ queryKey: keys.devices });
    },
  });
}
