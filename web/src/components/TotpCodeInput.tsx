// The code of an authenticator app (SEC-9) as one labelled field, the same wherever one is
// typed (the login's second step, switching the second factor on, and off): browsers and
// password managers offer it as a one-time code, phones show the digit pad, and "123 456" as
// some apps show it fits. `totpCodeSchema` checks it before anything is sent; send
// normaliseTotpCode(code).
//
//   const form = useZodForm(totpCodeSchema, { defaultValues: { code: "" } });
//   <TotpCodeInput label={t("totp.code")} error={errorText(form.formState.errors.code)} {...form.register("code")} />
import { forwardRef, type InputHTMLAttributes } from "react";
import { z } from "zod";
import { isTotpCode } from "../lib/totp";
import { Field, Input } from "./ui";

// Six digits, and the space or dash some apps show in their middle.
const MAX_TYPED_LENGTH = 7;

export const totpCodeSchema = z.object({ code: z.string().refine(isTotpCode, { message: "login.codeInvalid" }) });

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type"> & { label: string; error?: string };

export const TotpCodeInput = forwardRef<HTMLInputElement, Props>(function TotpCodeInput({ label, error, ...input }, ref) {
  return (
    <Field label={label} required error={error}>
      {(p) => (
        <Input
          {...p}
          ref={ref}
          {...input}
          autoComplete="one-time-code"
          inputMode="numeric"
          pattern="[0-9]*"
          maxLength={MAX_TYPED_LENGTH}
          className="mono code-input"
          placeholder="123456"
        />
      )}
    </Field>
  );
});
