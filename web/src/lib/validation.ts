// Form fields the server checks too, checked before anything is sent (zod, with messages that
// are translation keys, translated when shown).
import { z } from "zod";
import {  } from "../components/form";
import { message } from "../i18n";

export const login = z.string().min(1, message("validation.required")).max(64, message("validation.tooLong"));
export const personName = z.string().min(1, message("validation.required")).max(100, message("validation.tooLong"));
export const email = z.string().email(message("validation.email"));
// The password policy's length (SEC-1); the rest of it (common passwords, the login) is the server's.
export const newPassword = z.string().min(8, message("validation.passwordLength")).max(128, message("validation.passwordLength"));

// An account about to be created: by a company administrator, or the provider for a company.
export const newAccount = z.object({ login, name: personName, email, password: newPassword });
