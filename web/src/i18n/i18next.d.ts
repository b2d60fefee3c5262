// Translation keys are types: a missing or misspelled key fails `tsc` (react-i18next and
// i18next read this declaration). Japanese defines the keys; English must have every one.
import "i18next";
import type { Resources } from "./ja";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: Resources };
  }
}
