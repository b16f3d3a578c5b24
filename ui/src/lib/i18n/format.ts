/** Numbers, dates and plurals for a locale, through `Intl` (cached: the list formats every
 *  second). */

const plurals = new Map<string, Intl.PluralRules>();
const numbers = new Map<string, Intl.NumberFormat>();

/** The forms of a word by CLDR plural category; `other` is required, the rest as the
 *  language has them (English: one/other; German: one/other; Arabic: all six). */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** The form of `forms` that `count` takes in `locale`. */
export function plural(locale: string, count: number, forms: PluralForms): string {
  let rules = plurals.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    plurals.set(locale, rules);
  }
  return forms[rules.select(count)] ?? forms.other;
}

/** `value` written with `locale`'s digits and separators. */
export function formatNumber(locale: string, value: number): string {
  let format = numbers.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    numbers.set(locale, format);
  }
  return format.format(value);
}

/** A date and time (Unix seconds) written for `locale`. */
export function formatDateTime(locale: string, unixSeconds: number): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(unixSeconds * 1000),
  );
}

/** A date (Unix seconds) written for `locale`. */
export function formatDate(locale: string, unixSeconds: number): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(unixSeconds * 1000));
}

/** How long ago (or from now) `unixSeconds` is, at `now`, in words of `locale`: "3 minutes ago". */
export function formatRelative(locale: string, unixSeconds: number, now = Date.now() / 1000): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const diff = unixSeconds - now;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 31_536_000],
    ["month", 2_592_000],
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [unit, seconds] of units) {
    if (Math.abs(diff) >= seconds) return format.format(Math.round(diff / seconds), unit);
  }
  return format.format(Math.round(diff), "second");
}

/** Values (versions, protocol numbers) as a list for `locale`: "1, 2"; Arabic "١، ٢", with its
 *  comma and digits. Not Intl.ListFormat: its lists are sentences ("1, 2 und 3", "1 و2"). */
export function formatList(locale: string, items: readonly (string | number)[]): string {
  const separator = locale === "ar" ? "، " : ", ";
  return items.map((item) => (typeof item === "number" ? formatNumber(locale, item) : item)).join(separator);
}
