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

/** What the shared countdown needs of an account. */
export interface Expiring {
  validUntil: number | null;
  period: number | null;
}

/** A countdown: when the current code expires and the period it belongs to. */
export interface Countdown {
  validUntil: number;
  period: number;
}

/**
 * The countdown most time-based accounts share (the same period and step: usually 30 s), shown
 * once above the list; only accounts that differ from it show a ring of their own. An idle
 * window then repaints one ring a second instead of one per row. `null` with no time-based
 * account.
 */
export function commonCountdown(accounts: readonly Expiring[]): Countdown | null {
  const counts = new Map<string, { countdown: Countdown; count: number }>();
  let best: { countdown: Countdown; count: number } | null = null;
  for (const { validUntil, period } of accounts) {
    if (validUntil === null || period === null) continue;
    const key = `${validUntil}/${period}`;
    const entry = counts.get(key) ?? { countdown: { validUntil, period }, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
    if (best === null || entry.count > best.count) best = entry;
  }
  return best?.countdown ?? null;
}

/** Whether `account` follows `countdown` (so its row needs no ring of its own). */
export function follows(account: Expiring, countdown: Countdown | null): boolean {
  return (
    countdown !== null && account.validUntil === countdown.validUntil && account.period === countdown.period
  );
}
