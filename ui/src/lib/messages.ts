import type { AddResult } from "./api";
import { t } from "./i18n";

/** What to tell the person after accounts were added. */
export function addedMessage(result: AddResult): string {
  const words = t().added;
  const parts: string[] = [words.accounts(result.added.length)];
  if (result.duplicates > 0) parts.push(words.duplicates(result.duplicates));
  let message = parts.join(words.join) + ".";
  if (result.batch && result.batch[1] > 1) {
    const [index, count] = result.batch;
    message = words.batch(index, count, message);
    if (index < count) message += words.scanNext;
  }
  return message;
}
