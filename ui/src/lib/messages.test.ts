import { describe, expect, it } from "vitest";
import { addedMessage } from "./messages";

describe("addedMessage", () => {
  it("counts accounts and duplicates", () => {
    expect(addedMessage({ added: ["a"], duplicates: 0, batch: null })).toBe("1 account added.");
    expect(addedMessage({ added: ["a", "b"], duplicates: 1, batch: null })).toBe(
      "2 accounts added; 1 was already in your vault.",
    );
  });
  it("tells where a Google Authenticator batch sits", () => {
    expect(addedMessage({ added: ["a"], duplicates: 0, batch: [1, 3] })).toBe(
      "Batch 1 of 3 scanned: 1 account added. Scan the next code of the export.",
    );
    expect(addedMessage({ added: [], duplicates: 2, batch: [3, 3] })).toBe(
      "Batch 3 of 3 scanned: 0 accounts added; 2 were already in your vault.",
    );
    expect(addedMessage({ added: ["a"], duplicates: 0, batch: [1, 1] })).toBe("1 account added.");
  });
});
