/** The window's language: which catalog the UI reads, and the locale numbers, dates and plurals
 *  are formatted for. It follows the OS (the webview's preferred languages, which WebKitGTK
 *  takes from LANGUAGE and LANG) unless the person chose one in Settings. */
import type { Language } from "../bindings";

/** The languages the UI is translated into. */
export const LOCALES = ["en", "de", "ar"] as const;
/** One of the languages the UI is translated into. */
export type Locale = (typeof LOCALES)[number];

/** Languages written right to left. */
const RTL: ReadonlySet<Locale> = new Set(["ar"]);

/** The first of `preferred` (BCP 47 tags, most wanted first) the UI is translated into;
 *  English when none is. */
export function matchLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    const found = LOCALES.find((locale) => locale === base);
    if (found) return found;
  }
  return "en";
}

/** The OS's preferred languages: Rust's answer once known (WebKitGTK's `navigator.languages`
 *  stays "en-US" whatever LANGUAGE and LANG say), the webview's until then. */
let osLanguages: readonly string[] = typeof navigator === "undefined" ? [] : navigator.languages;

/** Takes the OS's preferred languages (BCP 47 tags, most wanted first) as Rust reads them. */
export function setOsLanguages(languages: readonly string[]): void {
  osLanguages = languages;
}

/** The locale the setting means: the OS's for "system". */
export function resolveLocale(setting: Language, preferred: readonly string[] = osLanguages): Locale {
  return setting === "system" ? matchLocale(preferred) : setting;
}

let current: Locale = $state(matchLocale(osLanguages));

/** The locale the window shows now (reactive: reading it in a template re-renders on change). */
export function locale(): Locale {
  return current;
}

/** Whether `locale` is written right to left. */
export function isRtl(locale: Locale): boolean {
  return RTL.has(locale);
}

/** Shows the window in the language `setting` means, and sets `<html lang dir>` to match. */
export function applyLanguage(setting: Language): void {
  current = resolveLocale(setting);
  document.documentElement.lang = current;
  document.documentElement.dir = isRtl(current) ? "rtl" : "ltr";
}
