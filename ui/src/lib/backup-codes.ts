/** Words for an account's backup codes, in the window's language: counts and dates only, never
 *  a code. */
import type { BackupCodesPreview, BackupCodesSummary } from "./api";
import { locale, t } from "./i18n";
import { formatDateTime } from "./i18n/format";

/** "8 of 10 left", or that there is no list, or that all are used. */
export function leftText(summary: BackupCodesSummary): string {
  const words = t().backupCodes;
  if (summary.total === 0) return words.none;
  if (summary.left === 0) return words.allUsed(summary.total);
  return words.left(summary.left, summary.total);
}

/** The warning when so few are left that new codes are due; empty when none is due. */
export function lowWarning(summary: BackupCodesSummary): string {
  if (!summary.low) return "";
  const words = t().backupCodes;
  return summary.left === 0 ? words.lowNone : words.low(summary.left);
}

/** What a pasted block holds: "10 codes found (2 repeated, left out)". */
export function previewText(preview: BackupCodesPreview): string {
  const words = t().backupCodes;
  return words.found(preview.found) + (preview.duplicates > 0 ? words.repeated(preview.duplicates) : "");
}

/** When a code was used (Unix ms), written for the window's language. */
export function usedAt(ms: number): string {
  return formatDateTime(locale(), Math.floor(ms / 1000));
}
