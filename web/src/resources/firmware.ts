// Firmware files (DEV-6): uploaded as the request body (the server hashes them), listed with
// their SHA-256, deleted.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, listAll, upload } from "../api/call";
import { keys } from "../api/keys";
import type { FirmwareFile } from "../api/types";

export function useFirmware(enabled = true) {
  return useQuery({ queryKey: keys.firmware, queryFn: () => listAll("/firmware"), enabled });
}

export function useUploadFirmware() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ file, version, model }: { file: File; version: string; model: string }) =>
      upload("/firmware", file, { query: { name: file.name, version, model } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.firmware }),
  });
}

export function useDeleteFirmware() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: FirmwareFile) => call("delete", "/firmware/{id}", { path: { id: file.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.firmware }),
  });
}
