/** Words for what a security key reports: option names, PIN rules, test steps. */
import { errorText, t } from "./i18n";
import { en } from "./i18n/en";
import type { CheckView, KeySummary, PinState } from "./keys-api";

/** The key's name: its product name, or the catalog's for the software key and a key without
 *  one. */
export function keyName(key: KeySummary): string {
  if (key.software) return t().securityKeys.softwareName;
  return key.name ?? t().securityKeys.unnamed;
}

/** The line under a key's name that tells two keys apart: maker and USB ids. */
export function keyDetail(key: KeySummary): string {
  const words = t().securityKeys;
  if (key.software || key.usb === null) return words.softwareDetail;
  const usb = words.usb(key.usb);
  return key.manufacturer ? words.detail(key.manufacturer, usb) : usb;
}

/** What a fingerprint sample's status asks of the person. */
export function sampleText(status: string): string {
  const samples = t().securityKeys.samples;
  return samples[status] ?? samples.unusable ?? status;
}

/** A registration-test line in the window's language, by its code; the English reason Rust
 *  wrote for a line without one. A key's error inside a line is worded as `errorText` words
 *  it (`fault`). */
export function checkText(check: CheckView): string {
  const word = check.code === undefined ? undefined : t().securityKeys.checks[check.code];
  if (!word) return check.reason;
  const args: Record<string, string | undefined> = { ...check.args };
  if (args.kind !== undefined) args.fault = errorText({ kind: args.kind, message: args.detail ?? "" });
  return word(args);
}

/** getInfo options, in the order they matter to a person (their words are in the catalog). */
const OPTION_ORDER = Object.keys(en.keys.optionLabels);

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
  const names = Object.keys(options);
  const order = (name: string) => {
    const index = OPTION_ORDER.indexOf(name);
    return index < 0 ? OPTION_ORDER.length : index;
  };
  names.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  return names.map((name) => {
    const on = options[name];
    const words = t().keys;
    let value = on ? words.yes : words.no;
    if (SET_UP_OPTIONS.has(name)) value = on ? words.setUp : words.notSetUp;
    return { name, label: (words.optionLabels as Record<string, string | undefined>)[name] ?? name, value };
  });
}

/** The longest PIN CTAP allows, in UTF-8 bytes. */
export const MAX_PIN_BYTES = 63;

/** The key's PIN rules, in one paragraph. */
export function pinRules(pin: PinState): string {
  return t().keys.pinRules(pin.minLength, MAX_PIN_BYTES);
}

/** What the PIN state says, in a short line. */
export function pinSummary(pin: PinState): string {
  const words = t().keys;
  if (!pin.supported) return words.noPinSupport;
  if (!pin.set) return words.noPin;
  let text = pin.retries === null ? `${words.pinIsSet}.` : `${words.pinIsSetLeft(words.attemptsLeft(pin.retries))}.`;
  if (pin.powerCycleNeeded) text += words.powerCycle;
  if (pin.changeRequired) text += words.changeRequired;
  return text;
}

/** Why a new PIN cannot be used, or "" when it can. */
export function newPinProblem(pin: string, confirm: string, minLength: number): string {
  const characters = [...pin].length;
  if (characters < minLength) return t().keys.pinTooShort(minLength);
  if (new TextEncoder().encode(pin).length > MAX_PIN_BYTES) return t().keys.pinTooLong(MAX_PIN_BYTES);
  if (pin !== confirm) return t().keys.pinsDiffer;
  return "";
}

/** Checks of one step of the registration test. */
export interface CheckGroup {
  step: string;
  label: string;
  checks: (CheckView & { short: string })[];
}


/** Groups checks by their step (the name before the first "/" or "."), keeping their order. */
export function groupChecks(checks: CheckView[]): CheckGroup[] {
  const groups: CheckGroup[] = [];
  for (const check of checks) {
    const [, step = check.name, short = ""] = /^([^/.]+)[/.](.*)$/.exec(check.name) ?? [];
    let group = groups.find((g) => g.step === step);
    if (!group) {
      group = { step, label: (t().keys.steps as Record<string, string | undefined>)[step] ?? step, checks: [] };
      groups.push(group);
    }
    group.checks.push({ ...check, short: short || step });
  }
  return groups;
}
