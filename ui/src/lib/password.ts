import { t } from "./i18n";

/** Checks on a new password, as a sentence for the person, or null when it is fine. */
export function passwordProblem(password: string, confirm: string): string | null {
  if (password.length === 0) return t().password.choose;
  if (password.length < 8) return t().password.tooShort(8);
  if (password !== confirm) return t().password.different;
  return null;
}
