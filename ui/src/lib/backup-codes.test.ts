import { afterEach, describe, expect, it } from "vitest";
import { leftText, lowWarning, previewText, usedAt } from "./backup-codes";
import { applyLanguage } from "./i18n";

const summary = (total: number, left: number, low: boolean) => ({ total, left, low, used: [] });

afterEach(() => applyLanguage("en"));

describe("backup code words", () => {
  it("counts what is left", () => {
    expect(leftText(summary(10, 8, false))).toBe("8 of 10 left");
    expect(leftText(summary(0, 0, false))).toBe("No backup codes saved for this account.");
    expect(leftText(summary(3, 0, true))).toBe("All 3 backup codes are used.");
  });

  it("warns only when few are left", () => {
    expect(lowWarning(summary(10, 3, false))).toBe("");
    expect(lowWarning(summary(10, 2, true))).toBe("Only 2 backup codes are left: get new codes from the site and add them here.");
    expect(lowWarning(summary(10, 1, true))).toMatch(/^Only 1 backup code is left:/);
    expect(lowWarning(summary(10, 0, true))).toMatch(/^No backup code is left:/);
  });

  it("previews a paste", () => {
    expect(previewText({ found: 10, duplicates: 0 })).toBe("10 codes found");
    expect(previewText({ found: 1, duplicates: 2 })).toBe("1 code found (2 repeated, left out)");
  });

  it("speaks the window's language", () => {
    applyLanguage("de");
    expect(leftText(summary(10, 8, false))).toBe("8 von 10 übrig");
    expect(previewText({ found: 1, duplicates: 0 })).toBe("1 Code gefunden");
    applyLanguage("ar");
    expect(previewText({ found: 2, duplicates: 0 })).toBe("عُثر على رمزين");
  });

  it("dates a use", () => {
    expect(usedAt(Date.UTC(2026, 11, 6, 11, 52))).toMatch(/Dec 6, 2026/);
  });
});
