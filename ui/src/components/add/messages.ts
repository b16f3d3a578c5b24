/** What the add dialog says about a scan: pure functions, unit-tested. */
import type { ExportProgress, ScanOutcome } from "../../lib/scan-api";

/** The ways to add an account, as the dialog's tabs name them. */
export type AddWay = "screen" | "file" | "camera" | "clipboard" | "link" | "key";

function accounts(count: number): string {
  return count === 1 ? "1 account" : `${count} accounts`;
}

/** "1 and 3", "1, 2 and 4". */
function list(numbers: number[]): string {
  if (numbers.length <= 1) return numbers.join("");
  return `${numbers.slice(0, -1).join(", ")} and ${numbers[numbers.length - 1]}`;
}

/** The batches of an export not read yet, from 1. */
export function missingBatches(progress: ExportProgress): number[] {
  const missing: number[] = [];
  for (let batch = 1; batch <= progress.size; batch++) {
    if (!progress.scanned.includes(batch)) missing.push(batch);
  }
  return missing;
}

/** Whether every batch of the export has been read. */
export function exportComplete(progress: ExportProgress): boolean {
  return missingBatches(progress).length === 0;
}

/** The headline for one export batch: "Batch 1 of 3 scanned". */
export function batchTitle(progress: ExportProgress): string {
  if (progress.size <= 1) return "Google Authenticator export scanned";
  return `Batch ${progress.batch} of ${progress.size} scanned`;
}

/** What one export batch did, and what is left to scan. */
export function batchDetail(progress: ExportProgress): string {
  const parts: string[] = [];
  if (progress.added > 0 || progress.duplicates === 0) parts.push(`${accounts(progress.added)} added`);
  if (progress.duplicates > 0) {
    const were = progress.duplicates === 1 ? "was" : "were";
    parts.push(`${accounts(progress.duplicates)} ${were} already in your vault and not added again`);
  }
  let text = `${parts.join("; ")}.`;
  if (progress.skipped.length > 0) {
    text += ` ${progress.skipped.length === 1 ? "One account" : `${progress.skipped.length} accounts`} could not be used: ${progress.skipped.join("; ")}.`;
  }
  const missing = missingBatches(progress);
  if (progress.size > 1) {
    text +=
      missing.length === 0
        ? " Every batch of the export is in."
        : ` Now scan ${missing.length === 1 ? "batch" : "batches"} ${list(missing)}.`;
  }
  return text;
}

/** What to say when a scan found no QR code at all. */
export function nothingFound(way: AddWay): string {
  switch (way) {
    case "screen":
      return "No QR code was found on your screen. Make sure the whole code is visible and not covered by another window, then scan again.";
    case "file":
      return "No QR code was found in that image.";
    case "clipboard":
      return "The image on the clipboard holds no QR code.";
    case "camera":
      return "The camera found no QR code.";
    default:
      return "No QR code was found.";
  }
}

/** Whether an outcome needs nothing more from the person than its confirmation cards. */
export function onlyPending(outcome: ScanOutcome): boolean {
  return outcome.pending.length > 0 && outcome.exports.length === 0 && outcome.notes.length === 0;
}
