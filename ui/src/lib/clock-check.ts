import { t } from "./i18n";

/** Words and thresholds of the clock check (src-tauri/src/commands/clock.rs). An offset is
 *  the server's time minus ours, in seconds: positive means this computer's clock is slow. */

/** Offsets up to this are harmless (Rust's TOLERANCE_SECONDS): sites accept a step either way. */
export const CLOCK_TOLERANCE_SECONDS = 10;

/** "47 s slow" or "47 s fast". */
export function drift(offset: number): string {
  return t().clock.drift(offset);
}

/** Whether codes are still off by more than the tolerance once the correction is applied. */
export function codesOff(measured: number | null, correction: number): boolean {
  return measured !== null && Math.abs(measured - correction) > CLOCK_TOLERANCE_SECONDS;
}

/** The last check's result in words, or "" when there is nothing to say. */
export function checkResult(measured: number | null, error: string | null): string {
  if (error) return t().clock.checkFailed(error);
  if (measured === null) return "";
  if (Math.abs(measured) <= CLOCK_TOLERANCE_SECONDS) return t().clock.right(CLOCK_TOLERANCE_SECONDS);
  return t().clock.off(drift(measured));
}
