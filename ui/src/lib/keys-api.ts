/** Typed calls for the Security keys page. PINs go to Rust and on to the key; nothing a key
 *  holds secret comes back. */
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  EnrollPayload,
  FingerprintView,
  KeyInfoView,
  KeySummary,
  ReportView,
  ResetPayload,
  ResetStage,
  SiteView,
  TouchPayload,
} from "./bindings";

export type {
  CheckView,
  EnrollPayload as EnrollStep,
  FingerprintView,
  KeyInfoView as KeyInfo,
  KeySummary,
  PasskeyView,
  PinView as PinState,
  ReportView,
  ResetStage,
  SiteView,
} from "./bindings";

export const keysApi = {
  list: () => invoke<KeySummary[]>("list_security_keys"),
  info: (id: string) => invoke<KeyInfoView>("security_key_info", { id }),
  setPin: (id: string, pin: string) => invoke<void>("set_security_key_pin", { id, pin }),
  changePin: (id: string, current: string, newPin: string) =>
    invoke<void>("change_security_key_pin", { id, current, newPin }),
  /** `pin` null uses the PIN that worked earlier this visit; fails with kind "pin_needed" if none. */
  passkeys: (id: string, pin: string | null) => invoke<SiteView[]>("security_key_passkeys", { id, pin }),
  setAlwaysUv: (id: string, on: boolean, pin: string | null) =>
    invoke<void>("set_security_key_always_uv", { id, on, pin }),
  deletePasskey: (id: string, credentialId: string) =>
    invoke<void>("delete_security_key_passkey", { id, credentialId }),
  fingerprints: (id: string, pin: string | null) =>
    invoke<FingerprintView[]>("security_key_fingerprints", { id, pin }),
  renameFingerprint: (id: string, templateId: string, name: string) =>
    invoke<void>("rename_security_key_fingerprint", { id, templateId, name }),
  removeFingerprint: (id: string, templateId: string) =>
    invoke<void>("remove_security_key_fingerprint", { id, templateId }),
  enrollFingerprint: (id: string, name: string) =>
    invoke<FingerprintView>("enroll_security_key_fingerprint", { id, name }),
  test: (id: string, pin: string | null) => invoke<ReportView>("test_security_key", { id, pin }),
  copyReport: () => invoke<void>("copy_security_key_report"),
  reset: (id: string) => invoke<KeySummary>("reset_security_key", { id }),
  wink: (id: string) => invoke<void>("wink_security_key", { id }),
  cancel: () => invoke<void>("cancel_security_key"),
  forgetPins: () => invoke<void>("forget_security_key_pins"),
};

/** Calls `handler` when a key waits for a touch. */
export function onTouchNeeded(handler: (id: string) => void): Promise<UnlistenFn> {
  return listen<TouchPayload>("security-key-touch", (event) => handler(event.payload.id));
}

/** Calls `handler` at each step of a guided reset. */
export function onResetStage(handler: (stage: ResetStage) => void): Promise<UnlistenFn> {
  return listen<ResetPayload>("security-key-reset", (event) => handler(event.payload.stage));
}

/** Calls `handler` after each fingerprint sample. */
export function onEnrollStep(handler: (step: EnrollPayload) => void): Promise<UnlistenFn> {
  return listen<EnrollPayload>("security-key-enroll", (event) => handler(event.payload));
}
