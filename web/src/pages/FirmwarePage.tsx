// Firmware files (DEV-6): upload (the file is the request body; the server hashes it),
// list with SHA-256, delete.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, fetchAll, uploadBinary } from "../api/client";
import { keys } from "../api/queries";
import type { FirmwareFile } from "../api/types";
import { useCan } from "../auth/session";
import { DataTable } from "../components/DataTable";
import { useToast } from "../components/Toast";
import { Button, Card, ConfirmDialog, Dialog, ErrorBanner, Field, Input, PageHeader, Spinner } from "../components/ui";
import { formatBytes } from "../lib/time";

function UploadDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [version, setVersion] = useState("");
  const [model, setModel] = useState("");
  const upload = useMutation({
    mutationFn: () => uploadBinary<FirmwareFile>("/firmware", { name: file!.name, version, model }, file!),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.firmware });
      toast(t("firmware.uploaded"));
      onClose();
    },
  });
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (file) upload.mutate();
  };
  return (
    <Dialog
      open
      title={t("firmware.upload")}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" icon="upload" busy={upload.isPending} disabled={!file || !version.trim()} onClick={() => submit()}>
            {t("firmware.upload")}
          </Button>
        </>
      }
    >
      <ErrorBanner error={upload.error} />
      <form className="form-stack" onSubmit={submit}>
        <Field label={t("firmware.file")} required>
          {(p) => <input {...p} type="file" className="input input-file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
        </Field>
        <Field label={t("firmware.version")} required>
          {(p) => <Input {...p} value={version} onChange={(e) => setVersion(e.target.value)} />}
        </Field>
        <Field label={t("firmware.model")}>{(p) => <Input {...p} value={model} onChange={(e) => setModel(e.target.value)} />}</Field>
      </form>
    </Dialog>
  );
}

export function FirmwarePage() {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const qc = useQueryClient();
  const files = useQuery({ queryKey: keys.firmware, queryFn: () => fetchAll<FirmwareFile>("/firmware") });
  const [uploading, setUploading] = useState(false);
  const [deleting, setDeleting] = useState<FirmwareFile | null>(null);
  const remove = useMutation({
    mutationFn: (f: FirmwareFile) => api<void>(`/firmware/${f.id}`, { method: "DELETE" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.firmware });
      setDeleting(null);
      toast(t("firmware.deleted"));
    },
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
            cell: (c) => <Button className="btn-sm" variant="ghost" icon="trash" onClick={() => setDeleting(c.row.original)} aria-label={`${t("common.delete")}: ${c.row.original.name}`} />,
          }),
        ]
      : []),
  ];
  return (
    <div className="stack">
      <PageHeader
        title={t("firmware.title")}
        description={t("firmware.description")}
        actions={
          can("devices.firmware") ? (
            <Button variant="primary" icon="upload" onClick={() => setUploading(true)}>
              {t("firmware.upload")}
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={files.error} />
      <Card className="card-flush">
        {files.isLoading ? <Spinner /> : <DataTable data={files.data ?? []} columns={columns} getRowId={(f) => f.id} caption={t("firmware.title")} />}
      </Card>
      {uploading ? <UploadDialog onClose={() => setUploading(false)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t("common.delete")}
        message={deleting ? t("firmware.deleteConfirm", { name: deleting.name }) : ""}
        confirmLabel={t("common.delete")}
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </div>
  );
}
