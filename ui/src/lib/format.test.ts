import { describe, expect, it } from "vitest";
import { commonCountdown, follows, groupCode, hueOf, initials, remainingFraction, secondsLeft, showNext } from "./format";

describe("groupCode", () => {
  it("splits six and eight digits evenly", () => {
    expect(groupCode("123456")).toBe("123 456");
    expect(groupCode("12345678")).toBe("1234 5678");
  });
  it("puts the longer half first for odd lengths", () => {
    expect(groupCode("1234567")).toBe("1234 567");
    expect(groupCode("123456789")).toBe("12345 6789");
  });
  it("leaves short codes and Steam codes whole", () => {
    expect(groupCode("B7K2M")).toBe("B7K2M");
    expect(groupCode("1234")).toBe("1234");
  });
});

describe("countdown", () => {
  it("counts seconds left and never goes negative", () => {
    expect(secondsLeft(60, 45.5)).toBe(14.5);
    expect(secondsLeft(60, 61)).toBe(0);
  });
  it("gives the remaining fraction of the period", () => {
    expect(remainingFraction(60, 30, 45)).toBe(0.5);
    expect(remainingFraction(60, 30, 30)).toBe(1);
    expect(remainingFraction(60, 30, 70)).toBe(0);
    expect(remainingFraction(60, 0, 30)).toBe(0);
  });
  it("shows the next code only in the last seconds", () => {
    expect(showNext(60, 54)).toBe(false);
    expect(showNext(60, 55)).toBe(true);
    expect(showNext(60, 59.9)).toBe(true);
    expect(showNext(60, 60)).toBe(false);
  });
});

describe("badges", () => {
  it("takes initials from the issuer, else the name", () => {
    expect(initials("GitHub", "octocat")).toBe("G");
    expect(initials("Air Canada", "ben")).toBe("AC");
    expect(initials("", "alice@example.com")).toBe("AE");
    expect(initials("", "")).toBe("?");
  });
  it("keeps a stable hue per issuer, whatever the case", () => {
    expect(hueOf("GitHub")).toBe(hueOf("github"));
    expect(hueOf("GitHub")).not.toBe(hueOf("GitLab"));
    expect(hueOf("x")).toBeGreaterThanOrEqual(0);
    expect(hueOf("x")).toBeLessThan(360);
  });
});

describe("commonCountdown", () => {
  const totp = (validUntil: number, period = 30) => ({ validUntil, period });
  const hotp = { validUntil: null, period: null };
  it("is the countdown most accounts share", () => {
    const accounts = [totp(60), hotp, totp(120, 60), totp(60), totp(60), totp(120, 60)];
    const countdown = commonCountdown(accounts);
    expect(countdown).toEqual({ validUntil: 60, period: 30 });
    expect(accounts.map((a) => follows(a, countdown))).toEqual([true, false, false, true, true, false]);
  });
  it("is none without time-based accounts", () => {
    expect(commonCountdown([])).toBeNull();
    expect(commonCountdown([hotp])).toBeNull();
    expect(follows(totp(60), null)).toBe(false);
  });
  it("tells a different step of the same period apart", () => {
    expect(commonCountdown([totp(90), totp(60), totp(60)])).toEqual({ validUntil: 60, period: 30 });
  });
});
