/** Words for an account's backup codes: counts and dates only, never a code. */
import type { BackupCodesPreview, BackupCodesSummary } from "./api";

/** "8 of 10 left", or that there is no list. */
export function leftText(summary: BackupCodesSummary): string {
  if (summary.total === 0) return "No backup codes saved for this account.";
  if (summary.left === 0) return `All ${summary.total} backup codes are used.`;
  return `${summary.left} of ${summary.total} left`;
}

/** The warning when so few are left that new codes are due; empty when none is due. */
export function lowWarning(summary: BackupCodesSummary): string {
  if (!summary.low) return "";
  const left = summary.left === 0 ? "No backup code is left" : summary.left === 1 ? "Only 1 backup code is left" : `Only ${summary.left} backup codes are left`;
  return `${left}: get new codes from the site and add them here.`;
}

/** What a pasted block holds: "10 codes found (2 repeated)". */
export function previewText(preview: BackupCodesPreview): string {
  const found = preview.found === 1 ? "1 code found" : `${preview.found} codes found`;
  if (preview.duplicates === 0) return found;
  return `${found} (${preview.duplicates} repeated, left out)`;
}

/** When a code was used, in the person's locale: "6 Dec 2026, 11:52". */
export function usedAt(ms: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
}
