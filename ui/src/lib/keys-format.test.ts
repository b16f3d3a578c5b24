import { describe, expect, it } from "vitest";
import { groupChecks, newPinProblem, optionRows, pinSummary } from "./keys-format";
import type { PinState } from "./keys-api";

const pin = (patch: Partial<PinState>): PinState => ({
  supported: true,
  set: true,
  retries: 8,
  powerCycleNeeded: false,
  changeRequired: false,
  minLength: 4,
  remembered: false,
  ...patch,
});

describe("optionRows", () => {
  it("orders known options first and explains set-up options", () => {
    const rows = optionRows({ zzz: true, up: true, clientPin: false, rk: true, credMgmt: true });
    expect(rows.map((r) => r.name)).toEqual(["clientPin", "rk", "up", "credMgmt", "zzz"]);
    expect(rows[0]).toEqual({ name: "clientPin", label: "PIN", value: "supported, not set up" });
    expect(rows[1]?.value).toBe("yes");
    expect(rows[4]?.label).toBe("zzz");
  });
});

describe("pinSummary", () => {
  it("names the state, attempts left and what to do", () => {
    expect(pinSummary(pin({ set: false, retries: null }))).toBe("No PIN set.");
    expect(pinSummary(pin({ retries: 1 }))).toBe("PIN set, 1 attempt left.");
    expect(pinSummary(pin({ retries: 5, powerCycleNeeded: true }))).toBe(
      "PIN set, 5 attempts left. Unplug the key and plug it back in before the next attempt.",
    );
    expect(pinSummary(pin({ supported: false }))).toBe("This key has no PIN support.");
  });
});

describe("newPinProblem", () => {
  it("counts characters, not bytes, for the minimum and bytes for the maximum", () => {
    expect(newPinProblem("123", "123", 4)).toBe("The PIN needs at least 4 characters.");
    expect(newPinProblem("äöüß", "äöüß", 4)).toBe("");
    expect(newPinProblem("ä".repeat(32), "ä".repeat(32), 4)).toMatch(/too long/);
    expect(newPinProblem("12345", "12346", 4)).toBe("The two PINs do not match.");
  });
});

describe("groupChecks", () => {
  it("groups by step in order and keeps the rest of the name", () => {
    const groups = groupChecks([
      { name: "key.info", outcome: "pass", reason: "FIDO_2_1", args: {} },
      { name: "es256/make_credential", outcome: "pass", reason: "packed", args: {} },
      { name: "es256/registration/client_data.challenge", outcome: "pass", reason: "ok", args: {} },
      { name: "eddsa_discoverable", outcome: "skipped", reason: "needs the PIN", args: {} },
    ]);
    expect(groups.map((g) => [g.step, g.checks.map((c) => c.short)])).toEqual([
      ["key", ["info"]],
      ["es256", ["make_credential", "registration/client_data.challenge"]],
      ["eddsa_discoverable", ["eddsa_discoverable"]],
    ]);
    expect(groups[1]?.label).toMatch(/^ES256 credential/);
  });
});
