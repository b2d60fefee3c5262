// SEC-4's IP address restriction as a form: the on/off switch and the allow-list (one entry
// per line), checked before anything is sent, with the server's refusals shown on the list.
// The company's own settings (CompanySettingsPage) also show the caller's address, whether
// the list holds it, and a button that adds it: the server refuses a change that would lock
// the caller out (422 would_lock_out_caller). The provider edits a company's in a dialog
// (CompaniesPage), where the provider's own address has nothing to do with it; there the same
// form also carries SEC-9's "second factor required" switch (TotpRequiredField) and DEV-5's
// "remote login allowed" switch (RemoteLoginField), the company's page having a card for each.
import { useWatch, type UseFormReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiError } from "../api/client";
import { problemMessageKey } from "../api/problems";
import type { CompanySettings, CompanySettingsPatch } from "../api/types";
import { admits, allowlistText, checkAllowlist, parseAllowlistText, withAddress } from "../lib/ipAllowlist";
import { useUpdateCompanySettings } from "../resources/companySettings";
import { useMessageText } from "./Allocations";
import { useErrorMessage, useZodForm } from "./form";
import { Alert, Badge, Button, Field } from "./ui";

const schema = z.object({ enabled: z.boolean(), list: z.string(), totpRequired: z.boolean(), remoteLoginEnabled: z.boolean() });
export type IpRestrictionValues = z.infer<typeof schema>;

export function ipRestrictionValues(
  s: Pick<CompanySettings, "ip_restriction_enabled" | "ip_allowlist" | "totp_required" | "remote_login_enabled">,
): IpRestrictionValues {
  return {
    enabled: s.ip_restriction_enabled,
    list: allowlistText(s.ip_allowlist),
    totpRequired: s.totp_required,
    remoteLoginEnabled: s.remote_login_enabled,
  };
}

// The provider's dialog saves the company's switches with the list, those changed only; the
// company's page has a card for each.
function changedSwitches(v: IpRestrictionValues, before: IpRestrictionValues): CompanySettingsPatch {
  return {
    ...(v.totpRequired !== before.totpRequired ? { totp_required: v.totpRequired } : {}),
    ...(v.remoteLoginEnabled !== before.remoteLoginEnabled ? { remote_login_enabled: v.remoteLoginEnabled } : {}),
  };
}

// Errors the form shows on its list rather than above it.
export const IP_RESTRICTION_FIELDS = ["ip_allowlist"] as const;

// The form and its saving: companyId null for the logged-in account's own company.
export function useIpRestrictionForm(settings: CompanySettings, companyId: string | null, onSaved: () => void) {
  const { t } = useTranslation();
  const text = useMessageText();
  const form = useZodForm(schema, { defaultValues: ipRestrictionValues(settings) });
  const save = useUpdateCompanySettings(companyId);
  const submit = (v: IpRestrictionValues) => {
    const checked = checkAllowlist(v.list);
    if (!checked.ok) {
      form.setError("list", { message: text(checked.error) });
      return;
    }
    const switches = companyId !== null ? changedSwitches(v, ipRestrictionValues(settings)) : {};
    save.mutate(
      { ip_restriction_enabled: v.enabled, ip_allowlist: checked.list, ...switches },
      {
        onSuccess: (saved) => {
          form.reset(ipRestrictionValues(saved));
          onSaved();
        },
        onError: (e) => {
          if (!(e instanceof ApiError)) return;
          if (e.code === "would_lock_out_caller")
            form.setError("list", { message: t("ipRestriction.errors.lockOut", { address: settings.your_address }) });
          else if (e.field === "ip_allowlist") form.setError("list", { message: problemMessageKey(e) ?? t("ipRestriction.errors.server", { detail: e.detail }) });
        },
      },
    );
  };
  return { form, save, submit };
}

// The caller's address as the server sees it, whether the list holds it, and a button adding it.
function YourAddress({ form, address }: { form: UseFormReturn<IpRestrictionValues>; address: string }) {
  const { t } = useTranslation();
  const list = useWatch({ control: form.control, name: "list" });
  const inside = admits(list, address);
  return (
    <div className="address-box" data-testid="your-address">
      <div className="stack-xs">
        <span className="address-label">{t("ipRestriction.yourAddress")}</span>
        <span className="address-value">{address}</span>
        <span className="field-hint">{t("ipRestriction.yourAddressHint")}</span>
      </div>
      <div className="address-actions">
        {inside ? (
          <Badge tone="success" dot>
            {t("ipRestriction.included")}
          </Badge>
        ) : (
          <>
            <Badge tone="warning" dot>
              {t("ipRestriction.notIncluded")}
            </Badge>
            <Button
              className="btn-sm"
              icon="plus"
              onClick={() => {
                form.setValue("list", withAddress(list, address), { shouldDirty: true });
                form.clearErrors("list");
              }}
            >
              {t("ipRestriction.addMine")}
            </Button>
          </>
        )}
      </div>
    </div>
  );
}

// The switch, the list and the warnings; `yourAddress` only for the company's own settings.
export function IpRestrictionFields({ form, yourAddress }: { form: UseFormReturn<IpRestrictionValues>; yourAddress?: string }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const [enabled, list] = useWatch({ control: form.control, name: ["enabled", "list"] });
  const count = parseAllowlistText(list).length;
  const outside = yourAddress !== undefined && enabled && !admits(list, yourAddress);
  return (
    <div className="stack">
      <p className="ip-explanation">{t("ipRestriction.explanation")}</p>
      {yourAddress !== undefined ? <YourAddress form={form} address={yourAddress} /> : null}
      <label className="switch-row">
        <input type="checkbox" role="switch" className="switch" {...form.register("enabled")} />
        <span>{t("ipRestriction.enabled")}</span>
      </label>
      <Field
        label={t("ipRestriction.list")}
        error={errorText(form.formState.errors.list)}
        hint={`${t("ipRestriction.listHint")}${count ? ` ${t("ipRestriction.count", { count })}` : ""}`}
      >
        {(p) => (
          <textarea
            {...p}
            className="input mono"
            rows={6}
            spellCheck={false}
            autoComplete="off"
            placeholder={"203.0.113.0/24\n2001:db8::/32"}
            {...form.register("list", { onChange: () => form.clearErrors("list") })}
          />
        )}
      </Field>
      {outside && !form.formState.errors.list ? <Alert tone="warning">{t("ipRestriction.notIncludedWarning", { address: yourAddress })}</Alert> : null}
      {yourAddress === undefined && enabled && count === 0 ? <Alert tone="warning">{t("ipRestriction.emptyWarning")}</Alert> : null}
    </div>
  );
}

// SEC-9 in the provider's dialog: every account of the company needs a second factor.
export function TotpRequiredField({ form }: { form: UseFormReturn<IpRestrictionValues> }) {
  const { t } = useTranslation();
  return (
    <fieldset className="stack-sm">
      <legend className="section-title">{t("totpPolicy.title")}</legend>
      <p className="ip-explanation">{t("totpPolicy.explanation")}</p>
      <label className="switch-row">
        <input type="checkbox" role="switch" className="switch" {...form.register("totpRequired")} />
        <span>{t("totpPolicy.required")}</span>
      </label>
    </fieldset>
  );
}

// DEV-5 in the provider's dialog: whether the company's operators may issue remote logins.
export function RemoteLoginField({ form }: { form: UseFormReturn<IpRestrictionValues> }) {
  const { t } = useTranslation();
  return (
    <fieldset className="stack-sm">
      <legend className="section-title">{t("remoteLoginPolicy.title")}</legend>
      <p className="ip-explanation">{t("remoteLoginPolicy.explanation")}</p>
      <label className="switch-row">
        <input type="checkbox" role="switch" className="switch" {...form.register("remoteLoginEnabled")} />
        <span>{t("remoteLoginPolicy.enabled")}</span>
      </label>
    </fieldset>
  );
}
