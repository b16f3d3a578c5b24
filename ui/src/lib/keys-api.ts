/** Typed calls for the Security keys page. PINs go to Rust and on to the key; nothing a key
 *  holds secret comes back. */
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

/** A key as the list shows it. */
export interface KeySummary {
  id: string;
  name: string;
  detail: string;
  software: boolean;
}

/** A key's PIN state and rules. */
export interface PinState {
  supported: boolean;
  set: boolean;
  retries: number | null;
  powerCycleNeeded: boolean;
  changeRequired: boolean;
  minLength: number;
  /** A PIN that worked is remembered in Rust for this visit of the page. */
  remembered: boolean;
}

/** What a key is. */
export interface KeyInfo {
  model: string | null;
  aaguid: string;
  firmware: string | null;
  versions: string[];
  extensions: string[];
  options: Record<string, boolean>;
  pinProtocols: number[];
  algorithms: string[];
  transports: string[];
  remainingPasskeys: number | null;
  pin: PinState;
  managesPasskeys: boolean;
  hasSensor: boolean;
}

/** A passkey on a key. */
export interface PasskeyView {
  credentialId: string;
  userName: string | null;
  displayName: string | null;
}

/** The passkeys of one site. */
export interface SiteView {
  rpId: string;
  rpName: string | null;
  passkeys: PasskeyView[];
}

/** An enrolled fingerprint. */
export interface FingerprintView {
  id: string;
  name: string | null;
}

/** One check of the registration test. */
export interface CheckView {
  name: string;
  outcome: "pass" | "fail" | "skipped";
  reason: string;
}

/** The registration test's result. */
export interface ReportView {
  title: string;
  checks: CheckView[];
  passed: number;
  failed: number;
  skipped: number;
}

/** A guided reset's current step. */
export type ResetStage = "unplug" | "replug" | "touch";

/** A fingerprint enrolment step. */
export interface EnrollStep {
  remaining: number;
  message: string;
}

export const keysApi = {
  list: () => invoke<KeySummary[]>("list_security_keys"),
  info: (id: string) => invoke<KeyInfo>("security_key_info", { id }),
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
  return listen<{ id: string }>("security-key-touch", (event) => handler(event.payload.id));
}

/** Calls `handler` at each step of a guided reset. */
export function onResetStage(handler: (stage: ResetStage) => void): Promise<UnlistenFn> {
  return listen<{ stage: ResetStage }>("security-key-reset", (event) => handler(event.payload.stage));
}

/** Calls `handler` after each fingerprint sample. */
export function onEnrollStep(handler: (step: EnrollStep) => void): Promise<UnlistenFn> {
  return listen<EnrollStep>("security-key-enroll", (event) => handler(event.payload));
}
