// The one field for an authenticator app's code: labelled and required, offered as a one-time
// code with the digit pad, "123 456" as some apps show it taken, anything but six digits
// refused on the field before the form sends, and the same field in each place a code is typed.
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { I18nextProvider, useTranslation } from "react-i18next";
import { createI18n } from "../i18n";
import { normaliseTotpCode } from "../lib/totp";
import { submitWith, useErrorMessage, useZodForm } from "./form";
import { TotpCodeInput, totpCodeSchema } from "./TotpCodeInput";

function CodeForm({ onCode }: { onCode: (code: string) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const form = useZodForm(totpCodeSchema, { defaultValues: { code: "" } });
  return (
    <form onSubmit={submitWith(form, ({ code }) => onCode(normaliseTotpCode(code)))} noValidate>
      <TotpCodeInput label={t("totp.code")} error={errorText(form.formState.errors.code)} {...form.register("code")} />
      <button type="submit">send</button>
    </form>
  );
}

const renderForm = (onCode: (code: string) => void) =>
  render(
    <I18nextProvider i18n={createI18n("ja")}>
      <CodeForm onCode={onCode} />
    </I18nextProvider>,
  );

describe("TotpCodeInput (SEC-9)", () => {
  it("is a required, labelled one-time-code field with the digit pad", () => {
    renderForm(() => undefined);
    const input = screen.getByLabelText(/^確認コード/);
    expect(input.getAttribute("autocomplete")).toBe("one-time-code");
    expect(input.getAttribute("inputmode")).toBe("numeric");
    expect(input.getAttribute("placeholder")).toBe("123456");
    expect(screen.getByText("*")).toBeTruthy();
  });

  it("refuses anything but six digits on the field, and takes a code with a space in it", async () => {
    const onCode = vi.fn();
    renderForm(onCode);
    const input = screen.getByLabelText(/^確認コード/);
    await userEvent.type(input, "12345");
    await userEvent.click(screen.getByRole("button", { name: "send" }));
    await screen.findByText("6 桁の数字を入力してください");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(onCode).not.toHaveBeenCalled();

    await userEvent.clear(input);
    await userEvent.type(input, "123 4567");
    // Seven characters at most: six digits and the space.
    expect((input as HTMLInputElement).value).toBe("123 456");
    await userEvent.click(screen.getByRole("button", { name: "send" }));
    expect(onCode).toHaveBeenCalledWith("123456");
  });
});
