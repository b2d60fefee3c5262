// Firmware files for a device (DEV-6, issue 18): a file names what it is for, the product class
// (or any), the models (DeviceInfo.ModelName; none: any) and the hardware versions (none: any),
// compared exactly as the server's campaigns compare them (devices/campaign_plan.h). The upload
// form takes the lists comma-separated; the list shows what a file is for in words.
import type { TFunction } from "i18next";
import type { FirmwareFile } from "../api/types";

export type FirmwareFor = Pick<FirmwareFile, "product_class" | "models" | "hardware_versions">;

// What is known of the device: its model ("" when unknown), its product class when known.
export interface DeviceKind {
  model: string;
  productClass?: string | null | undefined;
}

function anyModel(file: Pick<FirmwareFile, "models">): boolean {
  return file.models.every((m) => m.trim() === "" || m.trim() === "*");
}

// Whether the file may go to the device: no model named, or the device's among them (an unknown
// model fits); the product class, when both name one, the same.
export function firmwareFits(file: Pick<FirmwareFile, "models" | "product_class">, device: DeviceKind): boolean {
  const model = device.model.trim();
  const cls = device.productClass?.trim() ?? "";
  const fileCls = file.product_class?.trim() ?? "";
  if (cls !== "" && fileCls !== "" && cls !== fileCls) return false;
  return model === "" || anyModel(file) || file.models.some((m) => m.trim() === model);
}

// The files that fit the device (all of them when nothing is known of it), those named for its
// model first.
export function firmwareForModel<F extends Pick<FirmwareFile, "models" | "product_class">>(files: readonly F[], model: string, productClass?: string | null): F[] {
  const fitting = files.filter((f) => firmwareFits(f, { model, productClass }));
  const specific = (f: F) => (anyModel(f) ? 1 : 0);
  return [...fitting].sort((a, b) => specific(a) - specific(b));
}

// "HG-5, HG-5e" / 「すべての機種」, with the product class and the hardware versions when named:
// "IGD · HG-5, HG-5e · HW 1.0, 1.1".
export function firmwareTargetText(t: TFunction, file: FirmwareFor): string {
  const models = file.models.filter((m) => m.trim() !== "");
  const parts = [models.length > 0 ? models.join(", ") : t("firmwareTargets.anyModel")];
  if (file.product_class) parts.unshift(file.product_class);
  if (file.hardware_versions.length > 0) parts.push(t("firmwareTargets.hardwareShort", { versions: file.hardware_versions.join(", ") }));
  return parts.join(" · ");
}

// "HG-5, HG-5e ,, " -> ["HG-5", "HG-5e"]: the upload form's comma-separated lists (also split
// at newlines and full-width commas), each once, in order.
export function splitList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,、，\n]/)) {
    const v = part.trim();
    if (v !== "" && !out.includes(v)) out.push(v);
  }
  return out;
}

// The version a vendor's file name carries, as the server reads it when the upload names none
// (devices/firmware.cpp VersionFromFileName, ported): the last run of numbers joined by dots or
// underscores, optionally after a "v", that is not part of a word. "HG-5_v2.1.3.bin" -> "2.1.3",
// "fw-10_4_1-release.img" -> "10.4.1", "HG5.bin" -> "".
export function versionFromFileName(fileName: string): string {
  let stem = fileName;
  const dot = stem.lastIndexOf(".");
  if (dot >= 0 && dot + 1 < stem.length && /^[A-Za-z]+$/.test(stem.slice(dot + 1))) stem = stem.slice(0, dot);
  const alnum = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9]$/.test(c);
  const digit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
  let found = "";
  let i = 0;
  while (i < stem.length) {
    if (!digit(stem[i])) {
      i++;
      continue;
    }
    const begin = i;
    let parts = 1;
    while (i < stem.length && digit(stem[i])) i++;
    while (i + 1 < stem.length && (stem[i] === "." || stem[i] === "_") && digit(stem[i + 1])) {
      i++;
      while (i < stem.length && digit(stem[i])) i++;
      parts++;
    }
    const v = begin > 0 && (stem[begin - 1] === "v" || stem[begin - 1] === "V");
    const lead = v ? begin - 1 : begin;
    const apartBefore = lead === 0 || !alnum(stem[lead - 1]);
    const apartAfter = i === stem.length || !alnum(stem[i]);
    if (parts > 1 && apartBefore && apartAfter) found = stem.slice(begin, i);
    while (i < stem.length && alnum(stem[i])) i++;
  }
  return found.replace(/_/g, ".");
}
