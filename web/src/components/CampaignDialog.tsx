// DEV-6: starting a firmware campaign. The file (with what it is for), the devices (a group, or
// every device), the waves (a number of devices or a percentage of those the file is for; the
// last takes the rest), when to pause (failures above a percentage of a wave, too few successes
// to go on), how many at once, how long a device may take, and optionally a window of weekdays
// and hours (JST). The form's own rules (lib/campaigns.ts) first; a problem the server finds
// is shown on its field.
import { useFieldArray, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { z } from "zod";
import { ApiError } from "../api/client";
import { problemMessageKey, refine } from "../api/problems";
import type { DeviceFilter } from "../api/types";
import { pathTo } from "../app/paths";
import { useCan } from "../auth/session";
import { DEFAULT_CAMPAIGN_FORM, MAX_WAVES, WEEKDAYS, campaignBody, campaignFormErrors, campaignFormField, type CampaignForm } from "../lib/campaigns";
import { describeFilter } from "../lib/deviceFilter";
import { useCreateCampaign } from "../resources/campaigns";
import { useDeviceGroups } from "../resources/deviceGroups";
import { useFirmware } from "../resources/firmware";
import { useProfiles } from "../resources/profiles";
import { FirmwareSelect } from "./DeviceActionDialog";
import { FormDialog, useErrorMessage, useZodForm } from "./form";
import { useToast } from "./Toast";
import { Button, ErrorBanner, Field, Input, Select } from "./ui";

const schema = z
  .object({
    name: z.string(),
    firmware_id: z.string(),
    target: z.string(),
    waves: z.array(z.object({ kind: z.enum(["percent", "count"]), value: z.string() })),
    failure_threshold_percent: z.string(),
    min_success_before_next_wave: z.string(),
    concurrency: z.string(),
    device_timeout_hours: z.string(),
    window_enabled: z.boolean(),
    days: z.array(z.enum(WEEKDAYS)),
    from: z.string(),
    to: z.string(),
  })
  .superRefine((v: CampaignForm, ctx) => {
    for (const [path, message] of Object.entries(campaignFormErrors(v)))
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message });
  });

// `filter`: opened from the device list with its filter ("select all N matching"), offered as
// the target (and chosen first).
export function CampaignDialog({ onClose, filter }: { onClose: () => void; filter?: DeviceFilter | undefined }) {
  const { t } = useTranslation();
  const toast = useToast();
  const can = useCan();
  const navigate = useNavigate();
  const errorText = useErrorMessage();
  const create = useCreateCampaign();
  const firmware = useFirmware();
  const groups = useDeviceGroups();
  const profiles = useProfiles(can("profiles.read"));
  const form = useZodForm(schema, { defaultValues: { ...DEFAULT_CAMPAIGN_FORM, target: filter ? "filter" : "all" } });
  const filterText = filter ? describeFilter(filter, t, { groups: groups.data, profiles: profiles.data }) : "";
  const waves = useFieldArray({ control: form.control, name: "waves" });
  const windowEnabled = useWatch({ control: form.control, name: "window_enabled" });
  const errors = form.formState.errors;
  const serverField = create.error instanceof ApiError ? campaignFormField(create.error) : null;
  const wavesError = errorText(errors.waves?.root ?? errors.waves);
  return (
    <FormDialog
      form={form}
      wide
      layout="stack"
      title={t("campaigns.create")}
      submitLabel={t("campaigns.start")}
      submitIcon="firmware"
      draft="campaign"
      onSubmit={(v) =>
        // A draft restored without the list's filter it was made with: the target the select shows.
        create.mutate(campaignBody(v.target === "filter" && !filter ? { ...v, target: "all" } : v, filter), {
          onSuccess: (c) => {
            toast(t("campaigns.created", { name: c.name }));
            onClose();
            navigate(pathTo("campaign", { id: c.id }));
          },
          onError: (e) => {
            if (!(e instanceof ApiError)) return;
            const field = campaignFormField(e);
            if (field) form.setError(field as keyof CampaignForm, { message: problemMessageKey(refine(e)) ?? e.detail });
          },
        })
      }
      onClose={onClose}
      busy={create.isPending}
      banner={<ErrorBanner error={serverField ? null : create.error} />}
    >
      <Field label={t("campaigns.form.name")} required error={errorText(errors.name)}>
        {(p) => <Input {...p} maxLength={128} {...form.register("name")} />}
      </Field>
      <Field label={t("campaigns.form.firmware")} required error={errorText(errors.firmware_id)} hint={t("campaigns.form.firmwareHint")}>
        {(p) => <FirmwareSelect {...p} {...form.register("firmware_id")} files={firmware.data ?? []} />}
      </Field>
      <Field label={t("campaigns.form.target")} required error={errorText(errors.target)} hint={t("campaigns.form.targetHint")}>
        {(p) => (
          <Select {...p} {...form.register("target")}>
            {filter ? <option value="filter">{filterText ? t("campaigns.targets.filter", { filter: filterText }) : t("campaigns.targets.all")}</option> : null}
            <option value="all">{t("campaigns.targets.all")}</option>
            {(groups.data ?? []).map((g) => (
              <option key={g.id} value={`group:${g.id}`}>
                {t("campaigns.targets.groupOption", { name: g.name, count: g.device_count })}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <fieldset className="fieldset stack" aria-describedby="campaign-waves-hint">
        <legend>{t("campaigns.form.waves")}</legend>
        <p className="field-hint" id="campaign-waves-hint">
          {t("campaigns.form.wavesHint")}
        </p>
        {waves.fields.map((row, i) => {
          const rowError = errorText(errors.waves?.[i]?.value);
          return (
            <div key={row.id}>
              <div className="wave-row">
                <span className="campaign-wave-title">{t("campaigns.form.waveN", { wave: i + 1 })}</span>
                <Select aria-label={t("campaigns.form.waveKind", { wave: i + 1 })} {...form.register(`waves.${i}.kind`)}>
                  <option value="count">{t("campaigns.form.kindCount")}</option>
                  <option value="percent">{t("campaigns.form.kindPercent")}</option>
                </Select>
                <Input
                  aria-label={t("campaigns.form.waveValue", { wave: i + 1 })}
                  inputMode="decimal"
                  aria-invalid={rowError ? true : undefined}
                  aria-describedby={rowError ? `wave-error-${i}` : undefined}
                  {...form.register(`waves.${i}.value`)}
                />
                <Button
                  className="btn-sm"
                  variant="ghost"
                  icon="trash"
                  aria-label={t("campaigns.form.removeWave", { wave: i + 1 })}
                  disabled={waves.fields.length <= 1}
                  onClick={() => waves.remove(i)}
                />
              </div>
              {rowError ? (
                <p className="field-error" id={`wave-error-${i}`}>
                  {rowError}
                </p>
              ) : null}
            </div>
          );
        })}
        {wavesError ? <p className="field-error">{wavesError}</p> : null}
        <div>
          <Button className="btn-sm" icon="plus" disabled={waves.fields.length >= MAX_WAVES} onClick={() => waves.append({ kind: "percent", value: "100" })}>
            {t("campaigns.form.addWave")}
          </Button>
        </div>
      </fieldset>
      <div className="grid-2">
        <Field label={t("campaigns.form.threshold")} required error={errorText(errors.failure_threshold_percent)} hint={t("campaigns.form.thresholdHint")}>
          {(p) => <Input {...p} inputMode="decimal" {...form.register("failure_threshold_percent")} />}
        </Field>
        <Field label={t("campaigns.form.minSuccess")} required error={errorText(errors.min_success_before_next_wave)} hint={t("campaigns.form.minSuccessHint")}>
          {(p) => <Input {...p} inputMode="numeric" {...form.register("min_success_before_next_wave")} />}
        </Field>
        <Field label={t("campaigns.form.concurrency")} required error={errorText(errors.concurrency)} hint={t("campaigns.form.concurrencyHint")}>
          {(p) => <Input {...p} inputMode="numeric" {...form.register("concurrency")} />}
        </Field>
        <Field label={t("campaigns.form.timeout")} required error={errorText(errors.device_timeout_hours)} hint={t("campaigns.form.timeoutHint")}>
          {(p) => <Input {...p} inputMode="numeric" {...form.register("device_timeout_hours")} />}
        </Field>
      </div>
      <fieldset className="fieldset stack">
        <legend>{t("campaigns.form.window")}</legend>
        <label className="checkbox">
          <input type="checkbox" {...form.register("window_enabled")} />
          <span>{t("campaigns.form.windowEnabled")}</span>
        </label>
        {windowEnabled ? (
          <>
            <fieldset className="weekdays" aria-describedby="campaign-days-hint">
              <legend>{t("campaigns.form.days")}</legend>
              {WEEKDAYS.map((d) => (
                <label key={d} className="checkbox">
                  <input type="checkbox" value={d} {...form.register("days")} />
                  <span>{t(`campaigns.weekdays.${d}`)}</span>
                </label>
              ))}
            </fieldset>
            <p className="field-hint" id="campaign-days-hint">
              {errorText(errors.days) ?? t("campaigns.form.daysHint")}
            </p>
            <div className="grid-2">
              <Field label={t("campaigns.form.from")} required error={errorText(errors.from)}>
                {(p) => <Input {...p} type="time" {...form.register("from")} />}
              </Field>
              <Field label={t("campaigns.form.to")} required error={errorText(errors.to)} hint={t("campaigns.form.toHint")}>
                {(p) => <Input {...p} type="time" {...form.register("to")} />}
              </Field>
            </div>
          </>
        ) : (
          <p className="field-hint">{t("campaigns.form.anyTime")}</p>
        )}
      </fieldset>
    </FormDialog>
  );
}
