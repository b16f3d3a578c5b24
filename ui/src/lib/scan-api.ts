/** Typed calls for adding accounts by scanning QR codes. What comes back is what the add dialog
 *  shows: labels, live codes and descriptions; a scanned secret stays in Rust under a token. */
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AddResult, CommandError } from "./api";

/** A scanned otpauth:// account waiting for the person to confirm it. */
export interface PendingAccount {
  token: string;
  issuer: string;
  name: string;
  kind: "totp" | "hotp" | "steam";
  algorithm: string;
  digits: number;
  period: number | null;
}

/** The live code of a scanned account (`code` is null for HOTP). */
export interface PendingCode {
  code: string | null;
  validUntil: number | null;
  now: number;
}

/** One batch of a Google Authenticator export, read and added. */
export interface ExportProgress {
  /** The batch just read, from 1. */
  batch: number;
  /** How many QR codes the export has. */
  size: number;
  /** Every batch read so far, from 1. */
  scanned: number[];
  added: number;
  duplicates: number;
  /** Accounts of this batch that could not be used, with why. */
  skipped: string[];
}

/** A QR code that added nothing, described. */
export interface ScanNote {
  kind: "web_address" | "text" | "invalid" | "duplicate";
  message: string;
}

/** What one scan found. */
export interface ScanOutcome {
  /** How many QR codes (or pasted links) were read. */
  codes: number;
  pending: PendingAccount[];
  exports: ExportProgress[];
  notes: ScanNote[];
}

/** A camera to pick. */
export interface CameraView {
  index: number;
  name: string;
}

/** What a running camera reports. */
export type CameraEvent =
  | { event: "preview"; url: string }
  | { event: "found"; outcome: ScanOutcome }
  | { event: "failed"; error: CommandError };

/** The event announcing that image files were dropped on the window. */
export const DROPPED_EVENT = "scan-dropped";

export const scanApi = {
  screen: () => invoke<ScanOutcome>("scan_screen"),
  /** null when the person closed the file dialog. */
  imageFile: () => invoke<ScanOutcome | null>("scan_image_file"),
  clipboard: () => invoke<ScanOutcome>("scan_clipboard"),
  takeDropped: () => invoke<ScanOutcome | null>("scan_take_dropped"),
  pendingCode: (token: string) => invoke<PendingCode>("scan_pending_code", { token }),
  confirm: (token: string, issuer: string, name: string) =>
    invoke<AddResult>("scan_confirm", { confirmation: { token, issuer, name } }),
  discard: (token: string) => invoke<void>("scan_discard", { token }),
  /** The dialog closed: the camera stops, scanned accounts are forgotten. */
  forget: () => invoke<void>("scan_forget"),
  listCameras: () => invoke<CameraView[]>("scan_list_cameras"),
  startCamera: (index: number, onevent: (event: CameraEvent) => void) => {
    const channel = new Channel<CameraEvent>();
    channel.onmessage = onevent;
    return invoke<void>("scan_camera_start", { index, onEvent: channel });
  },
  stopCamera: () => invoke<void>("scan_camera_stop"),
};

/** Calls `handler` when image files were dropped on the window (take the result with
 *  `scanApi.takeDropped`). */
export function onFilesDropped(handler: () => void): Promise<UnlistenFn> {
  return listen(DROPPED_EVENT, handler);
}
