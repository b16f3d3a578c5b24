import { describe, expect, it } from "vitest";
import { checkResult, codesOff, drift } from "./clock-check";

describe("the clock check's words", () => {
  it("says a clock behind the server is slow, ahead of it fast", () => {
    expect(drift(47)).toBe("47 s slow");
    expect(drift(-47)).toBe("47 s fast");
  });

  it("flags codes off by more than 10 s after the correction", () => {
    expect(codesOff(null, 0)).toBe(false);
    expect(codesOff(10, 0)).toBe(false);
    expect(codesOff(47, 0)).toBe(true);
    expect(codesOff(47, 47)).toBe(false);
    expect(codesOff(-47, 47)).toBe(true);
  });

  it("tells the last result, failures first", () => {
    expect(checkResult(null, "no answer from the server within 3 s")).toBe("The last check failed: no answer from the server within 3 s.");
    expect(checkResult(2, null)).toBe("Your clock is right (within 10 s of the server).");
    expect(checkResult(-47, null)).toBe("Your clock is 47 s fast.");
    expect(checkResult(null, null)).toBe("");
  });
});
