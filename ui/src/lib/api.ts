/** Typed calls into the Rust side. The webview never receives a secret, only what it shows
 *  (and, after the password is asked again, what the person explicitly asks to see). */
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { errorText, isCommandError } from "./i18n";
import type {
  AccountEdit,
  AccountList,
  AddResult,
  BackupCodesPreview,
  BackupCodesSummary,
  ClockStatus,
  CommandError,
  CreateVault,
  CredentialChange,
  LockReason,
  OldBackups,
  QuickTyped,
  RecoveryKeyView,
  RevealedBackupCode,
  RevealedSecret,
  SecurityView,
  Settings,
  VaultChanged,
  VaultLocation,
  VaultStatus,
} from "./bindings";

// The types of what crosses the window boundary are generated from Rust (bindings.ts).
export type {
  AccountEdit,
  AccountList,
  AccountView,
  AddResult,
  BackupCodesPreview,
  BackupCodesSummary,
  ClockStatus,
  CommandError,
  CredentialChange,
  KeyringState,
  OldBackups,
  RecoveryKeyView,
  RevealedBackupCode,
  RevealedSecret,
  SecurityView,
  Settings,
  Slots,
  VaultChanged,
  VaultLocation,
  VaultStatus,
} from "./bindings";

export { isCommandError };

/** Errors that mean the vault file itself cannot be used (damaged, from a newer version, asking
 *  for unsafe KDF work, held by another instance): shown on their own screen. */
export function isFatal(error: unknown): error is CommandError {
  return (
    isCommandError(error) &&
    ["corrupt", "unsupported_version", "kdf_too_expensive", "in_use"].includes(error.kind)
  );
}

/** A readable message for anything a command threw, in the window's language. */
export function messageOf(error: unknown): string {
  return errorText(error);
}

export const api = {
  vaultStatus: () => invoke<VaultStatus>("vault_status"),
  createVault: (password: string | null, useKeyring: boolean) =>
    invoke<RecoveryKeyView>("create_vault", { options: { password, useKeyring } satisfies CreateVault }),
  unlockKeyring: () => invoke<void>("unlock_keyring"),
  unlockPassword: (password: string) => invoke<void>("unlock_password", { password }),
  unlockRecovery: (recoveryKey: string) => invoke<void>("unlock_recovery", { recoveryKey }),
  lock: () => invoke<void>("lock_vault"),
  vaultSecurity: () => invoke<SecurityView>("vault_security"),
  /** Changes the password (`current`; `recoveryKey` kept if given, else a new one is made), or
   *  sets a first one (`recoveryKey` required). */
  changePassword: (current: string | null, newPassword: string, recoveryKey: string | null, oldBackups: OldBackups | null) =>
    invoke<CredentialChange>("change_password", { current, newPassword, recoveryKey, oldBackups }),
  setKeyringUnlock: (password: string, enabled: boolean, recoveryKey: string | null = null, oldBackups: OldBackups | null = null) =>
    invoke<CredentialChange>("set_keyring_unlock", { password, enabled, recoveryKey, oldBackups }),
  newRecoveryKey: (password: string, oldBackups: OldBackups) =>
    invoke<CredentialChange>("new_recovery_key", { password, oldBackups }),

  /** The folder that holds the vault. */
  vaultLocation: () => invoke<VaultLocation>("vault_location"),
  /** Asks for a folder and moves the vault there; `null` when the person cancels. */
  moveVault: () => invoke<VaultLocation | null>("move_vault"),
  /** Asks for a vault file and opens it, locked (the window is told as for a lock); `null`
   *  when the person cancels. */
  openExistingVault: () => invoke<VaultLocation | null>("open_existing_vault"),

  listAccounts: () => invoke<AccountList>("list_accounts"),
  addFromText: (text: string) => invoke<AddResult>("add_from_text", { text }),
  updateAccount: (id: string, edit: AccountEdit) => invoke<void>("update_account", { id, edit }),
  deleteAccount: (id: string) => invoke<void>("delete_account", { id }),
  restoreAccount: (id: string) => invoke<string>("restore_account", { id }),
  reorderAccounts: (order: string[]) => invoke<void>("reorder_accounts", { order }),
  nextHotpCode: (id: string) => invoke<string>("next_hotp_code", { id }),
  revealSecret: (id: string, password: string) =>
    invoke<RevealedSecret>("reveal_secret", { id, password }),
  /** How many backup codes a pasted block holds (the text is not echoed back). */
  previewBackupCodes: (text: string) => invoke<BackupCodesPreview>("preview_backup_codes", { text }),
  /** An account's backup codes, counted: no code. */
  backupCodesSummary: (id: string) => invoke<BackupCodesSummary>("backup_codes_summary", { id }),
  addBackupCodes: (id: string, text: string) => invoke<BackupCodesSummary>("add_backup_codes", { id, text }),
  /** Copies the next unused backup code (marked used first); the code never reaches the window. */
  copyBackupCode: (id: string) => invoke<BackupCodesSummary>("copy_backup_code", { id }),
  markBackupCodeUnused: (id: string, index: number) =>
    invoke<BackupCodesSummary>("mark_backup_code_unused", { id, index }),
  removeBackupCodes: (id: string) => invoke<BackupCodesSummary>("remove_backup_codes", { id }),
  /** Every backup code of an account, after the vault password is asked again. */
  revealBackupCodes: (id: string, password: string) =>
    invoke<RevealedBackupCode[]>("reveal_backup_codes", { id, password }),
  noteActivity: () => invoke<void>("note_activity"),
  copyCode: (id: string) => invoke<void>("copy_code", { id }),
  /** Types the code into the window the person was in (the quick search closes). */
  quickType: (id: string) => invoke<QuickTyped>("quick_type", { id }),
  /** Types the code into the window the person was in before the main window. */
  typeCode: (id: string) => invoke<QuickTyped>("type_code", { id }),
  /** Closes the quick search without typing. */
  quickClose: () => invoke<void>("quick_close"),
  /** Copies text the window already shows (a recovery key), marked sensitive and cleared later. */
  copyText: (text: string) => invoke<void>("copy_text", { text }),

  getSettings: () => invoke<Settings>("get_settings"),
  osLanguages: () => invoke<string[]>("os_languages"),
  setSettings: (settings: Settings) => invoke<Settings>("set_settings", { settings }),
  /** Whether the OS keeps the clock synchronised and, if the settings allow, the offset a time
   *  server measures (asked at most every few minutes). */
  clockStatus: () => invoke<ClockStatus>("clock_status"),
  /** Sets the seconds added to the clock for every code (0 to reset); returns the settings. */
  setClockCorrection: (seconds: number) => invoke<Settings>("set_clock_correction", { seconds }),
  /** Whether there is a tray icon to keep running in. */
  trayAvailable: () => invoke<boolean>("tray_available"),
  /** Whether Countersign starts (in the tray) when the person logs in. */
  startAtLogin: () => invoke<boolean>("start_at_login"),
  /** Adds or removes the login autostart entry; returns whether it is there now. */
  setStartAtLogin: (enabled: boolean) => invoke<boolean>("set_start_at_login", { enabled }),
};

/** Calls `handler` whenever the quick search, kept ready while hidden, is shown again. */
export function onQuickShown(handler: () => void): Promise<UnlistenFn> {
  return listen("quick-shown", handler);
}

/** Calls `handler` whenever the vault locks (the lock button or shortcut, the tray, idle time,
 *  a password changed on another computer), with what locked it. */
export function onVaultLocked(handler: (reason: LockReason) => void): Promise<UnlistenFn> {
  return listen<LockReason>("vault-locked", (event) => handler(event.payload));
}

/** Calls `handler` when a sync merged what another computer saved (the accounts changed), or
 *  left a copy of the vault alone: `message` says which, for a toast. */
export function onVaultChanged(handler: (news: VaultChanged) => void): Promise<UnlistenFn> {
  return listen<VaultChanged>("vault-changed", (event) => handler(event.payload));
}
