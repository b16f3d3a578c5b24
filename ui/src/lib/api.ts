/** Typed calls into the Rust side. The webview never receives a secret, only what it shows. */
import { invoke } from "@tauri-apps/api/core";

/** An account as the list shows it. */
export interface AccountView {
  id: string;
  issuer: string;
  name: string;
  kind: "totp" | "hotp" | "steam";
  digits: number;
  period: number | null;
  code: string;
  nextCode: string | null;
  validUntil: number | null;
}

/** The accounts and the Unix time their codes were computed for. */
export interface AccountList {
  now: number;
  accounts: AccountView[];
}

/** An error from a command: a stable kind and a sentence for people. */
export interface CommandError {
  kind: string;
  message: string;
}

/** Whether `value` is an error returned by a command. */
export function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as CommandError).kind === "string" &&
    typeof (value as CommandError).message === "string"
  );
}

/** A readable message for anything a command threw. */
export function messageOf(error: unknown): string {
  if (isCommandError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export const api = {
  listAccounts: () => invoke<AccountList>("list_accounts"),
  addFromText: (text: string) => invoke<string[]>("add_from_text", { text }),
  copyCode: (id: string) => invoke<void>("copy_code", { id }),
};
