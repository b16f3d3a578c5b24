import { describe, expect, it } from "vitest";
import type { ExportProgress } from "../../lib/scan-api";
import { batchDetail, batchTitle, exportComplete, missingBatches, nothingFound, onlyPending } from "./messages";

function progress(over: Partial<ExportProgress>): ExportProgress {
  return { batch: 1, size: 3, scanned: [1], added: 10, duplicates: 0, skipped: [], ...over };
}

describe("export batches", () => {
  it("names the batch and what is left", () => {
    const first = progress({});
    expect(batchTitle(first)).toBe("Batch 1 of 3 scanned");
    expect(missingBatches(first)).toEqual([2, 3]);
    expect(exportComplete(first)).toBe(false);
    expect(batchDetail(first)).toBe("10 accounts added. Now scan batches 2 and 3.");
  });

  it("says when the export is complete, in any order", () => {
    const last = progress({ batch: 2, scanned: [1, 2, 3], added: 1 });
    expect(exportComplete(last)).toBe(true);
    expect(batchDetail(last)).toBe("1 account added. Every batch of the export is in.");
    expect(batchDetail(progress({ batch: 3, scanned: [3], added: 2 }))).toBe(
      "2 accounts added. Now scan batches 1 and 2.",
    );
    expect(batchDetail(progress({ size: 4, batch: 2, scanned: [2], added: 2 }))).toBe(
      "2 accounts added. Now scan batches 1, 3 and 4.",
    );
  });

  it("reports a batch read twice as duplicates", () => {
    const again = progress({ added: 0, duplicates: 2 });
    expect(batchDetail(again)).toBe(
      "2 accounts were already in your vault and not added again. Now scan batches 2 and 3.",
    );
    expect(batchDetail(progress({ added: 1, duplicates: 1, size: 1, scanned: [1] }))).toBe(
      "1 account added; 1 account was already in your vault and not added again.",
    );
  });

  it("names a single-QR export without batches, and lists unusable accounts", () => {
    const single = progress({ size: 1, scanned: [1], added: 2, skipped: [{ label: "Old", problem: { kind: "invalid_uri", message: "MD5 is not supported" } }] });
    expect(batchTitle(single)).toBe("Google Authenticator export scanned");
    expect(batchDetail(single)).toBe("2 accounts added. One account could not be used: \u2068Old\u2069: MD5 is not supported.");
  });
});

describe("scan outcomes", () => {
  it("says where nothing was found", () => {
    expect(nothingFound("screen")).toMatch(/^No QR code was found on your screen\./);
    expect(nothingFound("file")).toBe("No QR code was found in that image.");
  });

  it("knows when only confirmation cards remain", () => {
    const pending = { token: "t", issuer: "A", name: "b", kind: "totp" as const, algorithm: "SHA1" as const, digits: 6, period: 30, weakBits: null };
    expect(onlyPending({ codes: 1, pending: [pending], exports: [], notes: [] })).toBe(true);
    expect(onlyPending({ codes: 2, pending: [pending], exports: [], notes: [{ kind: "text", source: "scan", message: "x" }] })).toBe(false);
    expect(onlyPending({ codes: 0, pending: [], exports: [], notes: [] })).toBe(false);
  });
});
