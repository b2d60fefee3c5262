// Forms: a field's error in the reader's language.
import type { FieldError } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { isTranslationKey } from "../i18n";

// A field error's text: the translation of a schema's message (a translation key), or the
// server's own words.
export function useErrorMessage(): (error: Pick<FieldError, "message"> | undefined) => string | undefined {
  const { t, i18n } = useTranslation();
  return (error) => {
    const text = error?.message;
    if (!text) return undefined;
    return isTranslationKey(i18n, text) ? t(text) : text;
  };
}
