// Firmware files (DEV-6): upload (the file is the request body; the server hashes it),
// list with SHA-256, delete.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import type { FirmwareFile } from "../api/types";
import { useCan } from "../auth/session";
import { useConfirmedDelete } from "../components/Confirmation";
import { FormDialog, useErrorMessage, useZodForm } from "../components/form";
import { message } from "../i18n";
import { ListPage } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Button, Field, Input } from "../components/ui";
import { formatBytes } from "../lib/time";
import { useDeleteFirmware, useFirmware, useUploadFirmware } from "../resources/firmware";

const uploadSchema = z.object({
  files: z.custom<FileList>((v) => v instanceof FileList && v.length === 1, message("validation.required")),
  version: z.string().trim().min(1, message("validation.required")),
  model: z.string().trim(),
});

function UploadDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const upload = useUploadFirmware();
  const form = useZodForm(uploadSchema, { defaultValues: { version: "", model: "" } });
  const errors = form.formState.errors;
  return (
    <FormDialog
      form={form}
      layout="stack"
      title={t("firmware.upload")}
      submitLabel={t("firmware.upload")}
      submitIcon="upload"
      onSubmit={({ files, version, model }) =>
        upload.mutate(
          { file: files[0]!, version, model },
          {
            onSuccess: () => {
              toast(t("firmware.uploaded"));
              onClose();
            },
          },
        )
      }
      onClose={onClose}
      busy={upload.isPending}
      error={upload.error}
    >
      <Field label={t("firmware.file")} required error={errorText(errors.files)}>
        {(p) => <input {...p} type="file" className="input input-file" {...form.register("files")} />}
      </Field>
      <Field label={t("firmware.version")} required error={errorText(errors.version)}>
        {(p) => <Input {...p} {...form.register("version")} />}
      </Field>
      <Field label={t("firmware.model")}>{(p) => <Input {...p} {...form.register("model")} />}</Field>
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
    col.accessor("model", { header: t("firmware.model"), cell: (c) => c.getValue() || "—" }),
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
