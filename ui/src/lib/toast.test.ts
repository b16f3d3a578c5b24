import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { toast } from "./toast.svelte";

describe("toast", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    toast.dismiss();
    vi.useRealTimers();
  });

  it("shows the latest message and hides it after 4 s", () => {
    toast.say("First.");
    toast.say("Second.");
    expect(toast.current?.message).toBe("Second.");
    vi.advanceTimersByTime(3999);
    expect(toast.current?.message).toBe("Second.");
    vi.advanceTimersByTime(1);
    expect(toast.current).toBeNull();
  });

  it("keeps a message with an action for 8 s", () => {
    const run = vi.fn();
    toast.say("Removed.", { label: "Undo", run });
    vi.advanceTimersByTime(7999);
    expect(toast.current?.action?.label).toBe("Undo");
    vi.advanceTimersByTime(1);
    expect(toast.current).toBeNull();
  });

  it("hides at once when dismissed, and a new message restarts the timer", () => {
    toast.say("One.");
    vi.advanceTimersByTime(3000);
    toast.say("Two.");
    vi.advanceTimersByTime(3000);
    expect(toast.current?.message).toBe("Two.");
    toast.dismiss();
    expect(toast.current).toBeNull();
  });
});
