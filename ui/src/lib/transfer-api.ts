/** Typed calls for moving accounts in and out. An imported file's accounts stay in Rust under a
 *  token (the preview gets labels, kinds and statuses); exports ask for the vault password again
 *  and write through the system's save dialog, or show one QR code at a time. */
import { t } from "./i18n";
import { invoke } from "@tauri-apps/api/core";
import type {
  ExportDone,
  ExportRequest,
  ImportDone,
  ImportPreview,
  ItemStatus,
  Opened,
  PreviewItem,
  QrCodeView,
  QrStyle,
} from "./bindings";

export type {
  ExportDone,
  ImportDone,
  ImportPreview,
  ItemStatus,
  Opened,
  PreviewItem,
  QrCodeView,
  QrStyle,
} from "./bindings";

/** The formats an export writes to a file (the QR code formats are shown by `showQr`, not saved). */
export type ExportFormat = Exclude<ExportRequest["format"], "migration-qr" | "account-qr">;

export const transferApi = {
  /** Shows the open dialog and reads the chosen file; null when cancelled. */
  openImport: () => invoke<Opened | null>("transfer_open_import"),
  unlockImport: (token: string, password: string) =>
    invoke<ImportPreview>("transfer_unlock_import", { token, password }),
  importSelected: (token: string, selected: number[]) =>
    invoke<ImportDone>("transfer_import", { token, selected }),
  /** Checks the vault password, shows the save dialog and writes; null when cancelled. */
  exportFile: (format: ExportFormat, vaultPassword: string, filePassword: string | null) =>
    invoke<ExportDone | null>("transfer_export", {
      request: { format, vaultPassword, filePassword } satisfies ExportRequest,
    }),
  showQr: (style: QrStyle, password: string) => invoke<QrCodeView>("transfer_show_qr", { style, password }),
  qrCode: (token: string, index: number) => invoke<QrCodeView>("transfer_qr_code", { token, index }),
  /** Forgets the opened file and the QR codes shown. */
  forget: () => invoke<void>("transfer_forget"),
};

/** The entries selected by default: every new one. */
export function defaultSelection(items: PreviewItem[]): Set<number> {
  return new Set(items.filter((item) => item.status === "new").map((item) => item.index));
}

/** "7 new · 1 already in your vault · 2 cannot be imported", leaving out zero counts. */
export function previewSummary(items: PreviewItem[]): string {
  const count = (status: ItemStatus) => items.filter((item) => item.status === status).length;
  const words = t().transfer;
  const parts = [
    [count("new"), words.summaryNew],
    [count("duplicate"), words.summaryDuplicate],
    [count("invalid"), words.summaryInvalid],
  ] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, say]) => say(n));
  return shown.length ? shown.join(" · ") : words.noAccounts;
}

/** What an import did, as a sentence. */
export function importedMessage(done: ImportDone): string {
  let message = t().transfer.imported(done.added);
  if (done.duplicates > 0) message += t().transfer.skipped(done.duplicates);
  return message;
}
