import type { AddResult } from "./api";

/** What to tell the person after accounts were added. */
export function addedMessage(result: AddResult): string {
  const added = result.added.length;
  const parts: string[] = [];
  parts.push(added === 1 ? "1 account added" : `${added} accounts added`);
  if (result.duplicates > 0) {
    parts.push(
      result.duplicates === 1
        ? "1 was already in your vault"
        : `${result.duplicates} were already in your vault`,
    );
  }
  let message = parts.join("; ") + ".";
  if (result.batch && result.batch[1] > 1) {
    const [index, count] = result.batch;
    message = `Batch ${index} of ${count} scanned: ${message}`;
    if (index < count) message += " Scan the next code of the export.";
  }
  return message;
}
