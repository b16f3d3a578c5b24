import { describe, expect, it } from "vitest";
import { fieldOfError, secretProblem, wholeNumber } from "./setup-key";

describe("secretProblem", () => {
  it("accepts keys as sites write them", () => {
    for (const text of ["JBSWY3DPEHPK3PXP", "jbsw y3dp-ehpk 3pxp", "JBSWY3DPE", "JBSWY3DPEHPK3PXP===="]) {
      expect(secretProblem(text, true)).toBeNull();
    }
  });

  it("names a bad character and its position at once", () => {
    expect(secretProblem("JBSWY3DP!", false)).toBe(
      "The secret has a character that is not base32: '!' at position 9.",
    );
    // Spaces count as positions: the position is in the text as typed.
    expect(secretProblem("jbsw 1", false)).toBe(
      "The secret has a character that is not base32: '1' at position 6.",
    );
    expect(secretProblem("AB😀C", false)).toBe(
      "The secret has a character that is not base32: '😀' at position 3.",
    );
  });

  it("reports lengths only once the key is finished", () => {
    expect(secretProblem("", false)).toBeNull();
    expect(secretProblem("A", false)).toBeNull();
    expect(secretProblem(" - ", true)).toBe("The secret is empty.");
    expect(secretProblem("a", true)).toBe("The secret has 1 base32 character, too few for one byte.");
  });
});

describe("fieldOfError", () => {
  it("maps command error kinds to fields", () => {
    expect(fieldOfError("invalid_secret")).toBe("secret");
    expect(fieldOfError("invalid_issuer")).toBe("issuer");
    expect(fieldOfError("invalid_digits")).toBe("digits");
    expect(fieldOfError("invalid_period")).toBe("period");
    expect(fieldOfError("locked")).toBeNull();
  });
});

describe("wholeNumber", () => {
  it("fits number fields into the command's integers", () => {
    expect(wholeNumber(8, 255)).toBe(8);
    expect(wholeNumber(null, 255)).toBe(0);
    expect(wholeNumber(6.7, 255)).toBe(6);
    expect(wholeNumber(-3, 255)).toBe(0);
    expect(wholeNumber(1000, 255)).toBe(255);
    expect(wholeNumber(Number.NaN, 255)).toBe(0);
  });
});
