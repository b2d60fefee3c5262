// DEV-7 on a device: its compliance with the desired configuration parameter by parameter
// (desired and reported values, the state, why in words, whether the profile or an override
// asks it), and its overrides, edited with devices.configure.
import { createColumnHelper } from "@tanstack/react-table";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { z } from "zod";
import type { Device } from "../api/types";
import { pathTo } from "../app/paths";
import { useCan } from "../auth/session";
import { COMPLIANCE_TONE, DATA_MODEL_ROOT, parameterMap, parameterRows, type ComplianceItem, type ComplianceState } from "../lib/desiredState";
import { failureText } from "../lib/taskText";
import { useDeviceCompliance, useDeviceOverrides, useSetOverrides } from "../resources/desiredState";
import { BreakAtDots } from "./BreakAtDots";
import { DataTable } from "./DataTable";
import { DesiredParametersEditor, parameterRowsSchema, showParametersError } from "./DesiredParameters";
import { bannerError, submitWith, useZodForm } from "./form";
import { Icon } from "./Icon";
import { useToast } from "./Toast";
import { Badge, Button, Card, EmptyState, ErrorBanner, Spinner } from "./ui";

// A device's (or a parameter's) state as a badge; nothing desired: a dash.
export function ComplianceBadge({ state }: { state: ComplianceState | null | undefined }) {
  const { t } = useTranslation();
  if (!state) return <span className="muted">—</span>;
  return (
    <Badge tone={COMPLIANCE_TONE[state]} dot>
      {t(`desired.state.${state}`)}
    </Badge>
  );
}

function SecretBadge() {
  const { t } = useTranslation();
  return (
    <Badge tone="neutral">
      <Icon name="lock" size={12} />
      {t("desired.secret")}
    </Badge>
  );
}

// Why a parameter is in its state, in words: the reason, the device's fault, today's tries.
function ReasonCell({ item }: { item: ComplianceItem }) {
  const { t } = useTranslation();
  return (
    <div className="stack-xs">
      {item.reason ? <span>{t(`desired.reasons.${item.reason}`)}</span> : null}
      {item.fault ? <span className="cell-sub">{failureText(t, { faultCode: item.fault.code, error: "" })}</span> : null}
      {item.tries_today > 0 && item.state !== "in_sync" ? <span className="cell-sub">{t("desired.triesToday", { count: item.tries_today })}</span> : null}
    </div>
  );
}

const overridesSchema = z.object({ parameters: parameterRowsSchema });

function OverridesEditor({ device, overrides }: { device: Device; overrides: Record<string, string> }) {
  const { t } = useTranslation();
  const toast = useToast();
  const save = useSetOverrides(device.id);
  const form = useZodForm(overridesSchema, { defaultValues: { parameters: parameterRows(overrides) } });
  return (
    <form
      className="stack"
      noValidate
      onSubmit={submitWith(form, (v) =>
        save.mutate(parameterMap(v.parameters), {
          onSuccess: (saved) => {
            form.reset({ parameters: parameterRows(saved.parameters) });
            toast(t("desired.overridesSaved"));
          },
          onError: (e) => void showParametersError(form, e),
        }),
      )}
    >
      <p className="muted">{t("desired.overridesDescription")}</p>
      <DesiredParametersEditor form={form} caption={t("desired.overrides")} root={DATA_MODEL_ROOT[device.data_model === "tr098" ? "tr098" : "tr181"]} />
      <ErrorBanner error={bannerError(save.error, ["parameters"])} />
      <div className="row">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!form.formState.isDirty}>
          {t("common.save")}
        </Button>
        {form.formState.isDirty ? (
          <Button variant="ghost" onClick={() => form.reset({ parameters: parameterRows(overrides) })}>
            {t("common.cancel")}
          </Button>
        ) : null}
      </div>
    </form>
  );
}

function OverridesCard({ device }: { device: Device }) {
  const { t } = useTranslation();
  const overrides = useDeviceOverrides(device.id);
  return (
    <Card title={t("desired.overrides")}>
      <ErrorBanner error={overrides.error} />
      {overrides.isLoading ? <Spinner /> : overrides.data ? <OverridesEditor device={device} overrides={overrides.data} /> : null}
    </Card>
  );
}

export function ComplianceTab({ device }: { device: Device }) {
  const { t } = useTranslation();
  const can = useCan();
  const compliance = useDeviceCompliance(device.id);
  const c = compliance.data;
  const col = createColumnHelper<ComplianceItem>();
  const columns = [
    col.accessor("path", {
      header: t("desired.path"),
      cell: (x) => (
        <span className="param-path">
          <BreakAtDots text={x.getValue()} />
        </span>
      ),
    }),
    col.accessor("desired", {
      header: t("desired.desired"),
      cell: (x) =>
        x.row.original.secret ? (
          <SecretBadge />
        ) : (
          <span className="param-value">
            <BreakAtDots text={x.getValue() ?? ""} />
          </span>
        ),
    }),
    col.accessor("reported", {
      header: t("desired.reported"),
      cell: (x) =>
        x.row.original.secret ? (
          <SecretBadge />
        ) : x.getValue() === null ? (
          <span className="muted">{t("desired.notReported")}</span>
        ) : (
          <span className="param-value">
            <BreakAtDots text={x.getValue() ?? ""} />
          </span>
        ),
    }),
    col.accessor("state", { header: t("desired.stateColumn"), cell: (x) => <ComplianceBadge state={x.getValue()} /> }),
    col.display({ id: "reason", header: t("desired.reasonColumn"), meta: { className: "compliance-reason" }, cell: (x) => <ReasonCell item={x.row.original} /> }),
    col.accessor("source", {
      header: t("desired.sourceColumn"),
      cell: (x) => <Badge tone={x.getValue() === "override" ? "info" : "neutral"}>{t(`desired.sources.${x.getValue()}`)}</Badge>,
    }),
  ];
  return (
    <div className="stack">
      <Card
        className="card-flush"
        title={t("desired.items")}
        actions={
          c ? (
            <div className="row">
              {c.profile_id && can("profiles.read") ? <Link to={pathTo("profile", { id: c.profile_id })}>{t("desired.profile")}</Link> : null}
              <span className="muted">{t("desired.overall")}</span>
              <ComplianceBadge state={c.state} />
            </div>
          ) : null
        }
      >
        <ErrorBanner error={compliance.error} />
        {compliance.isLoading ? (
          <Spinner />
        ) : c && c.items.length > 0 ? (
          <div className="compliance-items">
            <DataTable data={c.items} columns={columns} getRowId={(item) => item.path} caption={t("desired.items")} />
          </div>
        ) : c ? (
          <EmptyState icon="profile" title={t("desired.noDesired")} />
        ) : null}
      </Card>
      {can("devices.configure") ? <OverridesCard device={device} /> : null}
    </div>
  );
}
