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
