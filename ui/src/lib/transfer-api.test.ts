import { describe, expect, it } from "vitest";
import { defaultSelection, importedMessage, previewSummary, type PreviewItem } from "./transfer-api";

function item(index: number, status: PreviewItem["status"]): PreviewItem {
  return { index, issuer: `I${index}`, name: "", kind: "totp", status, detail: null, position: null, existing: null, sameAs: null, problem: null };
}

describe("import previews", () => {
  it("select the new entries only", () => {
    const items = [item(0, "new"), item(1, "duplicate"), item(2, "invalid"), item(3, "new")];
    expect([...defaultSelection(items)]).toEqual([0, 3]);
  });

  it("summarise without zero counts", () => {
    expect(previewSummary([item(0, "new"), item(1, "new")])).toBe("2 new");
    expect(previewSummary([item(0, "duplicate"), item(1, "invalid")])).toBe(
      "1 already in your vault · 1 cannot be imported",
    );
    expect(previewSummary([])).toBe("No accounts");
  });

  it("say what an import did", () => {
    expect(importedMessage({ added: 7, duplicates: 0 })).toBe("Imported 7 accounts.");
    expect(importedMessage({ added: 1, duplicates: 2 })).toBe(
      "Imported 1 account. 2 accounts already in your vault were skipped.",
    );
  });
});
