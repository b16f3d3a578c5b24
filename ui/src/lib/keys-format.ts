/** Words for what a security key reports: option names, PIN rules, test steps. */
import type { CheckView, PinState } from "./keys-api";

/** Readable names of getInfo options, in the order they matter to a person. */
const OPTION_LABELS: [string, string][] = [
  ["clientPin", "PIN"],
  ["rk", "Stores passkeys"],
  ["up", "Asks for a touch"],
  ["uv", "Built-in verification (fingerprint)"],
  ["bioEnroll", "Fingerprint enrolment"],
  ["userVerificationMgmtPreview", "Fingerprint enrolment (preview)"],
  ["credMgmt", "Passkey management"],
  ["credentialMgmtPreview", "Passkey management (preview)"],
  ["alwaysUv", "Always asks for PIN or fingerprint"],
  ["makeCredUvNotRqd", "Registers without PIN for non-passkey logins"],
  ["pinUvAuthToken", "Permission-scoped PIN tokens"],
  ["noMcGaPermissionsWithClientPin", "PIN not usable for sign-in"],
  ["largeBlobs", "Large blob storage"],
  ["authnrCfg", "Configurable"],
  ["setMinPINLength", "Minimum PIN length can be raised"],
  ["ep", "Enterprise attestation"],
  ["plat", "Built into this computer"],
  ["uvAcfg", "Verification configurable"],
  ["uvToken", "Verification tokens"],
];

/** Options whose `false` means "supported, not set up" rather than "no". */
const SET_UP_OPTIONS = new Set(["clientPin", "uv", "bioEnroll", "userVerificationMgmtPreview", "ep"]);

/** One row of the options list. */
export interface OptionRow {
  name: string;
  label: string;
  value: string;
}

/** The key's options as rows: known ones first in a sensible order, unknown ones by name. */
export function optionRows(options: Record<string, boolean>): OptionRow[] {
  const known = new Map(OPTION_LABELS);
  const names = Object.keys(options);
  const order = (name: string) => {
    const index = OPTION_LABELS.findIndex(([n]) => n === name);
    return index < 0 ? OPTION_LABELS.length : index;
  };
  names.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  return names.map((name) => {
    const on = options[name];
    let value = on ? "yes" : "no";
    if (SET_UP_OPTIONS.has(name)) value = on ? "set up" : "supported, not set up";
    return { name, label: known.get(name) ?? name, value };
  });
}

/** The longest PIN CTAP allows, in UTF-8 bytes. */
export const MAX_PIN_BYTES = 63;

/** The key's PIN rules, in one paragraph. */
export function pinRules(pin: PinState): string {
  return (
    `At least ${pin.minLength} characters (this key's minimum) and at most ${MAX_PIN_BYTES} bytes; ` +
    "letters, digits and symbols are all allowed. After 3 wrong PINs in a row the key must be " +
    "unplugged and plugged back in; after 8 in total it blocks its PIN, and only a reset (which " +
    "erases its passkeys) makes it usable again."
  );
}

/** What the PIN state says, in a short line. */
export function pinSummary(pin: PinState): string {
  if (!pin.supported) return "This key has no PIN support.";
  if (!pin.set) return "No PIN set.";
  const parts = ["PIN set"];
  if (pin.retries !== null) parts.push(pin.retries === 1 ? "1 attempt left" : `${pin.retries} attempts left`);
  let text = parts.join(", ") + ".";
  if (pin.powerCycleNeeded) text += " Unplug the key and plug it back in before the next attempt.";
  if (pin.changeRequired) text += " The key asks for a new PIN before anything else.";
  return text;
}

/** Why a new PIN cannot be used, or "" when it can. */
export function newPinProblem(pin: string, confirm: string, minLength: number): string {
  const characters = [...pin].length;
  if (characters < minLength) return `The PIN needs at least ${minLength} characters.`;
  if (new TextEncoder().encode(pin).length > MAX_PIN_BYTES) return `The PIN is too long (at most ${MAX_PIN_BYTES} bytes).`;
  if (pin !== confirm) return "The two PINs do not match.";
  return "";
}

/** Checks of one step of the registration test. */
export interface CheckGroup {
  step: string;
  label: string;
  checks: (CheckView & { short: string })[];
}

const STEP_LABELS: Record<string, string> = {
  key: "The key",
  es256: "ES256 credential (kept by the site, not on the key)",
  es256_discoverable: "ES256 passkey (stored on the key, deleted afterwards)",
  eddsa_discoverable: "EdDSA passkey (stored on the key, deleted afterwards)",
};

/** Groups checks by their step (the name before the first "/" or "."), keeping their order. */
export function groupChecks(checks: CheckView[]): CheckGroup[] {
  const groups: CheckGroup[] = [];
  for (const check of checks) {
    const [, step = check.name, short = ""] = /^([^/.]+)[/.](.*)$/.exec(check.name) ?? [];
    let group = groups.find((g) => g.step === step);
    if (!group) {
      group = { step, label: STEP_LABELS[step] ?? step, checks: [] };
      groups.push(group);
    }
    group.checks.push({ ...check, short: short || step });
  }
  return groups;
}
