import { describe, expect, it } from "vitest";
import { ALL_ICONS, LETTERS, accountIcon, issuerIcon } from "./issuer-icons";

describe("issuerIcon", () => {
  it("matches issuers however they are written", () => {
    expect(issuerIcon("GitHub")?.slug).toBe("github");
    expect(issuerIcon("github.com")?.slug).toBe("github");
    expect(issuerIcon("GitHub, Inc.")?.slug).toBe("github");
    expect(issuerIcon("Google Workspace")?.slug).toBe("google");
    expect(issuerIcon("Google Cloud")?.slug).toBe("googlecloud");
    expect(issuerIcon("Battle.net")?.slug).toBe("battledotnet");
    expect(issuerIcon("Twitter")?.slug).toBe("x");
    expect(issuerIcon("ProtonMail")?.slug).toBe("proton");
  });

  it("gives nothing for unknown or empty issuers", () => {
    expect(issuerIcon("My Bank")).toBeNull();
    expect(issuerIcon("")).toBeNull();
    expect(issuerIcon("   ")).toBeNull();
    // A brand name inside another word is not a match.
    expect(issuerIcon("Steamboat Willie")).toBeNull();
  });

  it("keeps brand colours that show in both themes and drops near-black ones", () => {
    expect(issuerIcon("GitLab")?.color).toBe("#FC6D26");
    expect(issuerIcon("GitHub")?.color).toBeNull();
    expect(issuerIcon("GitHub")?.path).toMatch(/^M/);
  });
});

describe("accountIcon", () => {
  it("prefers the icon chosen by hand, then the issuer's", () => {
    expect(accountIcon("steam", "GitHub")?.slug).toBe("steam");
    expect(accountIcon(null, "GitHub")?.slug).toBe("github");
    expect(accountIcon(LETTERS, "GitHub")).toBeNull();
    // A slug no longer bundled falls back to the issuer.
    expect(accountIcon("gone-brand", "GitHub")?.slug).toBe("github");
  });

  it("lists each icon once, by title", () => {
    const slugs = ALL_ICONS.map((icon) => icon.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(slugs.length).toBeGreaterThan(80);
    const titles = ALL_ICONS.map((icon) => icon.title);
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b)));
  });
});
