/** Typed calls for moving accounts in and out. An imported file's accounts stay in Rust under a
 *  token (the preview gets labels, kinds and statuses); exports ask for the vault password again
 *  and write through the system's save dialog, or show one QR code at a time. */
import { invoke } from "@tauri-apps/api/core";

/** Whether an entry of an opened file can be imported. */
export type ItemStatus = "new" | "duplicate" | "invalid";

/** One entry of an opened file, as the preview lists it. */
export interface PreviewItem {
  /** Position in the file, from 0: what `importSelected` selects. */
  index: number;
  issuer: string;
  name: string;
  /** Null for an entry that could not be read. */
  kind: "totp" | "hotp" | "steam" | null;
  status: ItemStatus;
  /** Why it is a duplicate or invalid. */
  detail: string | null;
}

/** Every entry of an opened file. */
export interface ImportPreview {
  token: string;
  fileName: string;
  /** The app the file comes from ("Aegis", "Countersign backup", ...). */
  format: string;
  items: PreviewItem[];
  warnings: string[];
}

/** What opening a file gave. */
export type Opened =
  | { state: "needsPassword"; token: string; fileName: string; format: string }
  | ({ state: "preview" } & ImportPreview);

/** What an import added. */
export interface ImportDone {
  added: number;
  duplicates: number;
}

/** The file formats an export writes. */
export type ExportFormat = "countersign" | "aegis" | "uris";

/** Where an export was saved. */
export interface ExportDone {
  path: string;
  count: number;
}

/** How "Show as QR codes" lays accounts out. */
export type QrStyle = "migration" | "account";

/** One QR code of an export being shown. */
export interface QrCodeView {
  token: string;
  index: number;
  count: number;
  label: string;
  /** SVG markup made by Rust. */
  svg: string;
  /** Accounts the style cannot hold, and why (with the first code only). */
  leftOut: string[];
}

export const transferApi = {
  /** Shows the open dialog and reads the chosen file; null when cancelled. */
  openImport: () => invoke<Opened | null>("transfer_open_import"),
  unlockImport: (token: string, password: string) =>
    invoke<ImportPreview>("transfer_unlock_import", { token, password }),
  importSelected: (token: string, selected: number[]) =>
    invoke<ImportDone>("transfer_import", { token, selected }),
  /** Checks the vault password, shows the save dialog and writes; null when cancelled. */
  exportFile: (format: ExportFormat, vaultPassword: string, filePassword: string | null) =>
    invoke<ExportDone | null>("transfer_export", { request: { format, vaultPassword, filePassword } }),
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
  const parts = [
    [count("new"), "new"],
    [count("duplicate"), "already in your vault"],
    [count("invalid"), "cannot be imported"],
  ] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return shown.length ? shown.join(" · ") : "No accounts";
}

/** What an import did, as a sentence. */
export function importedMessage(done: ImportDone): string {
  const accounts = (n: number) => `${n} account${n === 1 ? "" : "s"}`;
  let message = `Imported ${accounts(done.added)}.`;
  if (done.duplicates > 0) message += ` ${accounts(done.duplicates)} already in your vault were skipped.`;
  return message;
}
