// Firmware files (DEV-6): upload (the file is the request body; the server hashes it) saying
// what the file is for (product class, models, hardware versions; the version read from the
// file's name unless given), list with what each is for and its SHA-256, delete.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiError } from "../api/client";
import { problemMessageKey } from "../api/problems";
import type { FirmwareFile } from "../api/types";
import { useCan } from "../auth/session";
import { useConfirmedDelete } from "../components/Confirmation";
import { FormDialog, showFieldError, useErrorMessage, useZodForm } from "../components/form";
import { message } from "../i18n";
import { ListPage } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Button, Field, Input } from "../components/ui";
import { firmwareTargetText, splitList, versionFromFileName } from "../lib/firmware";
import { formatBytes } from "../lib/time";
import { useDeleteFirmware, useFirmware, useUploadFirmware } from "../resources/firmware";

const uploadSchema = z.object({
  files: z.custom<FileList>((v) => v instanceof FileList && v.length === 1, message("validation.required")),
  // DEV-6: optional; the server reads it from the file's name ("HG-5_v2.1.3.bin" -> 2.1.3).
  version: z.string().trim(),
  product_class: z.string().trim(),
  models: z.string(),
  hardware_versions: z.string(),
});

// The upload's fields a problem may name (the file's name is the query's "name").
const UPLOAD_FIELDS = ["version", "product_class", "models", "hardware_versions"] as const;

function UploadDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const upload = useUploadFirmware();
  const form = useZodForm(uploadSchema, { defaultValues: { version: "", product_class: "", models: "", hardware_versions: "" } });
  const errors = form.formState.errors;
  const chosen = useWatch({ control: form.control, name: "files" });
  const typedVersion = useWatch({ control: form.control, name: "version" });
  const fileName = chosen instanceof FileList ? (chosen[0]?.name ?? "") : "";
  const readVersion = fileName ? versionFromFileName(fileName) : "";
  const versionHint = typedVersion?.trim()
    ? undefined
    : fileName
      ? readVersion
        ? t("firmwareTargets.versionRead", { version: readVersion })
        : t("firmwareTargets.versionNotInName")
      : t("firmwareTargets.versionHint");
  return (
    <FormDialog
      form={form}
      layout="stack"
      title={t("firmware.upload")}
      submitLabel={t("firmware.upload")}
      submitIcon="upload"
      onSubmit={(v) =>
        upload.mutate(
          {
            file: v.files[0]!,
            version: v.version,
            productClass: v.product_class,
            models: splitList(v.models),
            hardwareVersions: splitList(v.hardware_versions),
          },
          {
            onSuccess: () => {
              toast(t("firmware.uploaded"));
              onClose();
            },
            // A problem about a field is shown on it (a name without a version: on the version).
            onError: (e) => {
              if (e instanceof ApiError && e.field === "name") form.setError("files", { message: problemMessageKey(e) ?? e.detail });
              else showFieldError(form, e, UPLOAD_FIELDS);
            },
          },
        )
      }
      onClose={onClose}
      busy={upload.isPending}
      error={upload.error}
      errorFields={[...UPLOAD_FIELDS, "name"]}
    >
      <Field label={t("firmware.file")} required error={errorText(errors.files)}>
        {(p) => <input {...p} type="file" className="input input-file" {...form.register("files")} />}
      </Field>
      <Field label={t("firmware.version")} error={errorText(errors.version)} hint={versionHint}>
        {(p) => <Input {...p} placeholder={readVersion || undefined} {...form.register("version")} />}
      </Field>
      <Field label={t("firmwareTargets.productClass")} error={errorText(errors.product_class)} hint={t("firmwareTargets.productClassHint")}>
        {(p) => <Input {...p} {...form.register("product_class")} />}
      </Field>
      <Field label={t("firmwareTargets.models")} error={errorText(errors.models)} hint={t("firmwareTargets.modelsHint")}>
        {(p) => <Input {...p} placeholder="HG-5, HG-5e" {...form.register("models")} />}
      </Field>
      <Field label={t("firmwareTargets.hardwareVersions")} error={errorText(errors.hardware_versions)} hint={t("firmwareTargets.hardwareVersionsHint")}>
        {(p) => <Input {...p} {...form.register("hardware_versions")} />}
      </Field>
    </FormDialog>
  );
}

export function FirmwarePage() {
  const { t } = useTranslation();
  const can = useCan();
  const files = useFirmware();
  const [uploading, setUploading] = useState(false);
  const remove = useConfirmedDelete(useDeleteFirmware(), {
    message: (f) => t("firmware.deleteConfirm", { name: f.name }),
    done: t("firmware.deleted"),
  });
  const col = createColumnHelper<FirmwareFile>();
  const columns = [
    col.accessor("name", { header: t("firmware.name"), cell: (c) => <span className="cell-main">{c.getValue()}</span> }),
    col.accessor("version", { header: t("firmware.version"), cell: (c) => <span className="mono">{c.getValue()}</span> }),
    // DEV-6: what the file is for: "HG-5, HG-5e" / 「すべての機種」 (read again on a switch of the language).
    col.accessor((f) => firmwareTargetText(t, f), { id: "for", header: t("firmwareTargets.column"), cell: (c) => firmwareTargetText(t, c.row.original) }),
    col.accessor("size", { header: t("firmware.size"), meta: { className: "col-num" }, cell: (c) => formatBytes(c.getValue()) }),
    col.accessor("sha256", { header: t("firmware.sha256"), cell: (c) => <code title={c.getValue()}>{c.getValue().slice(0, 16)}…</code> }),
    col.accessor((f) => f.created_by.login, { id: "by", header: t("firmware.uploadedBy") }),
    col.accessor("created_at_jst", { header: t("firmware.uploadedAt"), cell: (c) => <span className="nowrap">{c.getValue()}</span> }),
    ...(can("devices.firmware")
      ? [
          col.display({
            id: "actions",
            header: () => <span className="sr-only">{t("common.actions")}</span>,
            meta: { className: "col-actions" },
            cell: (c) => (
              <Button className="btn-sm" variant="ghost" icon="trash" onClick={() => remove.ask(c.row.original)} aria-label={`${t("common.delete")}: ${c.row.original.name}`} />
            ),
          }),
        ]
      : []),
  ];
  return (
    <ListPage
      title={t("firmware.title")}
      description={t("firmware.description")}
      actions={
        can("devices.firmware") ? (
          <Button variant="primary" icon="upload" onClick={() => setUploading(true)}>
            {t("firmware.upload")}
          </Button>
        ) : null
      }
      error={files.error}
      rows={files.data}
      loading={files.isLoading}
      columns={columns}
      getRowId={(f) => f.id}
    >
      {uploading ? <UploadDialog onClose={() => setUploading(false)} /> : null}
      {remove.dialog}
    </ListPage>
  );
}
