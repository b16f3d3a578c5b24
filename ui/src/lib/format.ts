/** Pure helpers for showing codes: no DOM, no IPC, unit-tested. */

/**
 * Splits a code into two groups for reading aloud and retyping: "123 456", "1234 5678",
 * "1234 567". Steam's five letters and codes under five characters stay whole.
 */
export function groupCode(code: string): string {
  if (code.length < 6) return code;
  const head = Math.ceil(code.length / 2);
  return `${code.slice(0, head)} ${code.slice(head)}`;
}

/** Seconds left before `validUntil` (Unix seconds) at `now` (Unix seconds, fractional). */
export function secondsLeft(validUntil: number, now: number): number {
  return Math.max(0, validUntil - now);
}

/** Fraction of the period still remaining, from 1 (fresh) to 0 (expired). */
export function remainingFraction(validUntil: number, period: number, now: number): number {
  if (period <= 0) return 0;
  return Math.min(1, secondsLeft(validUntil, now) / period);
}

/** Whether to show the next code beside the current one: in the last `window` seconds. */
export function showNext(validUntil: number, now: number, window = 5): boolean {
  const left = secondsLeft(validUntil, now);
  return left > 0 && left <= window;
}

/** One or two letters standing in for an issuer without an icon. */
export function initials(issuer: string, name: string): string {
  const source = (issuer || name).trim();
  if (!source) return "?";
  const words = source.split(/[\s._@-]+/).filter(Boolean);
  const first = words[0] ?? source;
  const second = words[1];
  const letters = second ? `${first[0]}${second[0]}` : first.slice(0, 1);
  return letters.toUpperCase();
}

/** A stable hue (0–359) for an issuer's lettered badge, so each issuer keeps its colour. */
export function hueOf(text: string): number {
  let hash = 0;
  for (const char of text.toLowerCase()) {
    hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  }
  return hash % 360;
}
