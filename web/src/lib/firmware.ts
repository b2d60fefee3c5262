// Firmware files for a device (DEV-6, issue 18): a file made for a model fits devices of that
// model (ModelName, compared without case); a file without a model fits any device.
import type { FirmwareFile } from "../api/types";

export function firmwareFits(file: Pick<FirmwareFile, "model">, model: string): boolean {
  const m = file.model.trim().toLowerCase();
  return m === "" || m === "*" || model.trim() === "" || m === model.trim().toLowerCase();
}

// The files that fit `model` (all of them when the model is not known), those for the model first.
export function firmwareForModel<F extends Pick<FirmwareFile, "model">>(files: readonly F[], model: string): F[] {
  const fitting = files.filter((f) => firmwareFits(f, model));
  const specific = (f: F) => (f.model.trim() === "" || f.model.trim() === "*" ? 1 : 0);
  return [...fitting].sort((a, b) => specific(a) - specific(b));
}
