/** What the add dialog says about a scan: pure functions, unit-tested. */
import { t } from "../../lib/i18n";
import { skippedText } from "../../lib/i18n/notes";
import type { ExportProgress, ScanOutcome } from "../../lib/scan-api";

/** The ways to add an account, as the dialog's tabs name them. */
export type AddWay = "screen" | "file" | "camera" | "clipboard" | "link" | "key";

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
  if (progress.size <= 1) return t().add.exportScanned;
  return t().add.batchScanned(progress.batch, progress.size);
}

/** What one export batch did, and what is left to scan. */
export function batchDetail(progress: ExportProgress): string {
  const words = t();
  const parts: string[] = [];
  if (progress.added > 0 || progress.duplicates === 0) parts.push(words.added.accounts(progress.added));
  if (progress.duplicates > 0) parts.push(words.add.batchDuplicates(progress.duplicates));
  let text = `${parts.join(words.added.join)}.`;
  if (progress.skipped.length > 0) {
    text += words.add.batchSkipped(progress.skipped.length, progress.skipped.map(skippedText).join(words.added.join));
  }
  const missing = missingBatches(progress);
  if (progress.size > 1) text += missing.length === 0 ? words.add.batchAllIn : words.add.batchMissing(missing);
  return text;
}

/** What to say when a scan found no QR code at all. */
export function nothingFound(way: AddWay): string {
  switch (way) {
    case "screen":
      return t().add.nothingScreen;
    case "file":
      return t().add.nothingFile;
    case "clipboard":
      return t().add.nothingClipboard;
    case "camera":
      return t().add.nothingCamera;
    default:
      return t().add.nothing;
  }
}

/** Whether an outcome needs nothing more from the person than its confirmation cards. */
export function onlyPending(outcome: ScanOutcome): boolean {
  return outcome.pending.length > 0 && outcome.exports.length === 0 && outcome.notes.length === 0;
}
