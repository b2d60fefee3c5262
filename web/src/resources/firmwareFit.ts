// Issue 18: the firmware files a firmware update of these devices may choose from. For one
// device, only those that fit its model and product class (lib/firmware.ts, DEV-6), with the
// model to say so; for several, all of them.
import { useQuery } from "@tanstack/react-query";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { FirmwareFile } from "../api/types";
import { firmwareForModel } from "../lib/firmware";

export function useFirmwareFit(files: readonly FirmwareFile[], deviceIds: readonly string[], enabled = true): { files: FirmwareFile[]; model: string } {
  const one = deviceIds.length === 1 ? (deviceIds[0] ?? "") : "";
  const device = useQuery({
    queryKey: keys.device(one),
    queryFn: () => call("get", "/devices/{id}", { path: { id: one }, background: true }),
    enabled: enabled && one !== "",
    staleTime: 60_000,
  });
  const model = device.data?.model ?? "";
  return { files: firmwareForModel(files, model, device.data?.product_class), model };
}
