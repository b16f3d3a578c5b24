import { describe, expect, it } from "vitest";
import { issuerIcon } from "./issuer-icons";

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
