// A secret shown once (an API token, a webhook's signing secret, a device's one-time login):
// the value, selectable as a whole, with a copy button, and what to do when the browser
// refuses to copy. useCopy is the copying alone, for a list of values copied together.
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "./ui";

export type CopyState = "idle" | "copied" | "failed";

export function useCopy(): { state: CopyState; copy: (text: string) => void } {
  const [state, setState] = useState<CopyState>("idle");
  const copy = (text: string) => {
    const clipboard = typeof navigator !== "undefined" ? navigator.clipboard : undefined;
    if (!clipboard) {
      setState("failed");
      return;
    }
    clipboard.writeText(text).then(
      () => setState("copied"),
      () => setState("failed"),
    );
  };
  return { state, copy };
}

// The copy button's face: "Copy", then "Copied" with a check.
export function CopyButton({ state, onCopy, label }: { state: CopyState; onCopy: () => void; label?: string }) {
  const { t } = useTranslation();
  const text = state === "copied" ? t("common.copied") : t("common.copy");
  return (
    <Button className="btn-sm" icon={state === "copied" ? "check" : undefined} onClick={onCopy} aria-label={label ? `${text}: ${label}` : undefined}>
      {text}
    </Button>
  );
}

// `label` names the value (above it, and in the button's name when there are several);
// `display` shows it otherwise than as text (a link), copying still the value.
export function SecretField({ value, label, display, testId }: { value: string; label?: string; display?: ReactNode; testId?: string }) {
  const { t } = useTranslation();
  const { state, copy } = useCopy();
  return (
    <div className="secret-field">
      {label ? <span className="secret-label">{label}</span> : null}
      <div className="secret token-secret">
        <span className="token-value" data-testid={testId}>
          {display ?? value}
        </span>
        <CopyButton state={state} onCopy={() => copy(value)} label={label} />
      </div>
      {state === "failed" ? <p className="field-error">{t("common.copyFailed")}</p> : null}
    </div>
  );
}
