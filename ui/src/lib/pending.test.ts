import { describe, expect, it } from "vitest";
import { Pending } from "./pending.svelte";

describe("Pending", () => {
  it("is busy while the action runs and clears an old error", async () => {
    const pending = new Pending();
    pending.error = "Old.";
    let busyInside = false;
    await pending.run(async () => {
      busyInside = pending.busy;
    });
    expect(busyInside).toBe(true);
    expect(pending.busy).toBe(false);
    expect(pending.error).toBe("");
  });

  it("shows a failure's message after onerror, unless onerror returns false", async () => {
    const pending = new Pending();
    const seen: unknown[] = [];
    await pending.run(
      () => Promise.reject({ kind: "wrong-password", message: "Wrong password." }),
      (e) => void seen.push(e),
    );
    expect(seen).toHaveLength(1);
    expect(pending.error).toBe("Wrong password.");
    expect(pending.busy).toBe(false);
    await pending.run(
      () => Promise.reject({ kind: "fatal", message: "Damaged." }),
      () => false,
    );
    expect(pending.error).toBe("");
  });
});
