// Firmware files (DEV-6): uploaded as the request body (the server hashes them), listed with
// their SHA-256, deleted.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, listAll, upload } from "../api/call";
import { keys } from "../api/keys";
import type { FirmwareFile } from "../api/types";

export function useFirmware(enabled = true) {
  return useQuery({ queryKey: keys.firmware, queryFn: () => listAll("/firmware"), enabled });
}

export interface FirmwareUpload {
  file: File;
  version: string;
  productClass: string;
  models: string[];
  hardwareVersions: string[];
}

export function useUploadFirmware() {
  const qc = useQueryClient();
  return useMutation({
    // DEV-6: what the file is for (product class, models, hardware versions; empty: any), the
    // lists comma-separated; without a version the server reads it from the file's name.
    mutationFn: ({ file, version, productClass, models, hardwareVersions }: FirmwareUpload) =>
      upload("/firmware", file, {
        query: {
          name: file.name,
          ...(version ? { version } : {}),
          ...(productClass ? { product_class: productClass } : {}),
          ...(models.length > 0 ? { models: models.join(",") } : {}),
          ...(hardwareVersions.length > 0 ? { hardware_versions: hardwareVersions.join(",") } : {}),
        },
      }),
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
