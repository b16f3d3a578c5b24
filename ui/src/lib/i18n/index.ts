/** The UI's words: `t()` is the catalog of the window's language, read in templates so a change
 *  of language re-renders them. en.ts is the source; de.ts and ar.ts have its type, so a missing
 *  or extra key fails `npm run check` (see docs/translating.md). */
import { ar } from "./ar";
import { de } from "./de";
import { en, type Catalog } from "./en";
import type { CommandError } from "../bindings";
import { locale, type Locale } from "./locale.svelte";

export { applyLanguage, isRtl, locale, matchLocale, resolveLocale, setOsLanguages, LOCALES, type Locale } from "./locale.svelte";
export type { Catalog } from "./en";

/** Every catalog by its locale. */
export const catalogs: Record<Locale, Catalog> = { en, de, ar };

/** The catalog of the window's language. */
export function t(): Catalog {
  return catalogs[locale()];
}

/** A readable message for anything a command threw, in the window's language: by the error's
 *  kind where the catalog has it, else the English sentence Rust sent. In English, Rust's own
 *  sentence: it can be more specific than its kind (a backup file's wrong password and the
 *  vault's share `wrong_password`). */
export function errorText(error: unknown): string {
  if (isCommandError(error)) {
    if (locale() === "en") return error.message;
    const errors: Partial<Record<string, string | ((error: CommandError) => string)>> = t().errors;
    const known = errors[error.kind];
    if (typeof known === "function") return known(error);
    return known ?? error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Why the system keyring cannot be used, in the window's language: by the cause Rust sends,
 *  else Rust's English reason; "" when neither is known. */
export function keyringCause(state: { cause?: string | null; reason?: string | null }): string {
  return t().keyringCause[state.cause ?? ""] ?? state.reason ?? "";
}

/** The same as a sentence of its own: capitalised, with a full stop. */
export function keyringCauseSentence(state: { cause?: string | null; reason?: string | null }): string {
  const cause = keyringCause(state);
  if (cause === "") return "";
  const sentence = cause.charAt(0).toLocaleUpperCase(locale()) + cause.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** Whether `value` is an error a command returned (`{kind, message}`). */
export function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as CommandError).kind === "string" &&
    typeof (value as CommandError).message === "string"
  );
}
