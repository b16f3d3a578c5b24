/** Typed calls for adding accounts by scanning QR codes (or typing a setup key). What comes back
 *  is what the add dialog shows: labels, live codes and descriptions; a scanned or typed secret
 *  stays in Rust under a token. */
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AddResult,
  CameraEvent,
  CameraView,
  Confirmation,
  PendingCode,
  ScanOutcome,
  SetupKeyEntry,
} from "./bindings";

export type {
  CameraEvent,
  CameraView,
  ExportProgress,
  PendingCode,
  PendingView as PendingAccount,
  ScanNote,
  ScanOutcome,
} from "./bindings";

/** The event announcing that image files were dropped on the window. */
export const DROPPED_EVENT = "scan-dropped";

/** The event announcing that setup links were opened from elsewhere (a browser, the command
 *  line). */
export const LINK_EVENT = "link-opened";

export const scanApi = {
  screen: () => invoke<ScanOutcome>("scan_screen"),
  /** null when the person closed the file dialog. */
  imageFile: () => invoke<ScanOutcome | null>("scan_image_file"),
  clipboard: () => invoke<ScanOutcome>("scan_clipboard"),
  takeDropped: () => invoke<ScanOutcome | null>("scan_take_dropped"),
  /** The links opened since the last call, as accounts to confirm; null when there are none. */
  takeLinks: () => invoke<ScanOutcome | null>("scan_take_links"),
  /** A key typed in by hand, held like a scanned account for the confirmation card. */
  setupKey: (entry: SetupKeyEntry) => invoke<ScanOutcome>("scan_setup_key", { entry }),
  pendingCode: (token: string) => invoke<PendingCode>("scan_pending_code", { token }),
  confirm: (token: string, issuer: string, name: string) =>
    invoke<AddResult>("scan_confirm", { confirmation: { token, issuer, name } satisfies Confirmation }),
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

/** Calls `handler` when setup links were opened (take them with `scanApi.takeLinks`). */
export function onLinkOpened(handler: () => void): Promise<UnlistenFn> {
  return listen(LINK_EVENT, handler);
}
