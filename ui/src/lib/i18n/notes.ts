/** What Rust sends as codes, names and numbers rather than sentences (a sync's news, scan notes,
 *  a code copied instead of typed, the import preview), said in the window's language. Where
 *  Rust also sends an English sentence, the English window shows it, as `errorText` does: it can
 *  be more specific than its code. */
import type {
  CopiedInstead,
  LeftOutView,
  QrCodeView,
  PreviewItem,
  ScanNote,
  SkippedAccount,
  VaultChanged,
  WarningView,
} from "../bindings";
import { errorText, t } from "./index";
import { locale } from "./locale.svelte";

/** The toast after a sync: what came in from another computer, and the files left alone. */
export function syncNewsText(news: VaultChanged): string {
  const words = t().syncNews;
  const sentences: string[] = [];
  const { added, changed, removed } = news.counts;
  if (added + changed + removed > 0) sentences.push(words.counts(added, changed, removed));
  for (const file of news.leftAlone) {
    const why = words.reasons[file.reason] ?? words.reasons.other;
    sentences.push(file.replaced ? words.replaced(file.file, why) : words.leftAlone(file.file, why));
  }
  return sentences.join(" ");
}

/** A scanned code (or opened link, or dropped file) that added nothing, and why. */
export function scanNoteText(note: ScanNote): string {
  if (locale() === "en") return note.message;
  const words = t().scanNotes;
  switch (note.kind) {
    case "web_address":
      return note.address === undefined ? note.message : words.webAddress(note.address);
    case "duplicate":
      return note.existing === undefined ? note.message : words.duplicate(note.existing);
    case "text":
      return note.source === "link" ? words.linkText : words.text;
    case "invalid": {
      if (!note.problem) return note.message;
      const problem = errorText(note.problem);
      if (note.source === "file") return words.file(note.file ?? "", problem);
      if (note.source === "link") {
        return note.label === undefined ? words.invalidLink(problem) : words.invalidExportAccount(note.label, problem);
      }
      return words.invalid(problem);
    }
    default:
      return note.message;
  }
}

/** An account of a Google Authenticator export that could not be used: its label and why (no
 *  full stop: it is listed within a sentence). */
export function skippedText(skipped: SkippedAccount): string {
  return `${isolated(skipped.label)}: ${errorText(skipped.problem).replace(/\.$/, "")}`;
}

/** `text` (a name from a file or the vault) isolated from the sentence around it (U+2068 …
 *  U+2069), so that a left-to-right name keeps its brackets in a right-to-left sentence. */
function isolated(text: string): string {
  return `\u2068${text}\u2069`;
}

/** Why a code was copied instead of typed. */
export function copiedInsteadText(note: CopiedInstead): string {
  if (locale() === "en") return note.message;
  const words = t().copiedInstead;
  const reasons: Partial<Record<string, string | ((what: string) => string)>> = words.reasons;
  const reason = reasons[note.reason] ?? words.reasons.other;
  const sentences = [typeof reason === "function" ? reason(words.character(note.character, note.position)) : reason];
  if (note.partlyTyped) sentences.push(words.partlyTyped);
  sentences.push(words.copied);
  return sentences.join(" ");
}

/** The name an import preview lists an entry by: "Entry 3" for an unreadable one without any. */
export function previewLabel(item: PreviewItem): string {
  if (item.issuer || item.name) return item.issuer || item.name;
  return item.position === null ? t().common.unnamedAccount : t().importNotes.entry(item.position);
}

/** Why an entry of an import preview is a duplicate or cannot be imported; `null`: nothing to
 *  say. An unreadable entry's reason is said from its `problem` where Rust sends one (a setup
 *  link's fault); else it is the file reader's English sentence, and other languages say only
 *  that the entry cannot be imported (the sentence stays in `item.detail`). */
export function previewDetail(item: PreviewItem): string | null {
  if (locale() === "en" || item.detail === null) return item.detail;
  const words = t().importNotes;
  if (item.existing !== null) return words.inVault(item.existing);
  if (item.sameAs !== null) return words.sameAs(item.sameAs);
  if (item.status === "invalid") return item.problem ? errorText(item.problem) : words.cannotImport;
  return item.detail;
}

/** The name of an import format: the app's own name, or for the formats that are no app's name
 *  ("otpauth:// URI list", "Countersign backup") the catalog's words. */
export function formatName(id: string, name: string): string {
  const names: Partial<Record<string, string>> = t().importNotes.formats;
  return names[id] ?? name;
}

/** A warning about an opened file as a whole. */
export function importWarningText(warning: WarningView): string {
  if (locale() === "en") return warning.message;
  if (warning.kind === "missing_batches" && warning.size !== null) {
    return t().importNotes.missingBatches(warning.size, warning.missing);
  }
  return warning.message;
}

/** The caption of a QR code of an export: "Batch 1 of 3" for Google Authenticator's codes, the
 *  account's name for one code per account. */
export function qrLabel(code: QrCodeView, style: "migration" | "account"): string {
  return style === "migration" ? t().exportNotes.batch(code.index + 1, code.count) : code.label;
}

/** An account a QR export cannot hold, and why. */
export function leftOutText(left: LeftOutView): string {
  if (locale() === "en") return left.message;
  const limits = t().exportNotes;
  const why =
    left.limit === "period" && left.value !== null
      ? limits.period(left.value)
      : left.limit === "digits" && left.value !== null
        ? limits.digits(left.value)
        : left.limit === "steam"
          ? limits.steam
          : limits.other;
  return `${isolated(left.account)}: ${why}`;
}
