import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { everySecond, untilNextSecond, type Visibility } from "./clock";

/** A page whose visibility the test switches. */
class FakePage implements Visibility {
  hidden = false;
  private listeners = new Set<() => void>();
  addEventListener(_type: "visibilitychange", listener: () => void) {
    this.listeners.add(listener);
  }
  removeEventListener(_type: "visibilitychange", listener: () => void) {
    this.listeners.delete(listener);
  }
  setHidden(hidden: boolean) {
    this.hidden = hidden;
    for (const listener of this.listeners) listener();
  }
  get listening() {
    return this.listeners.size;
  }
}

describe("untilNextSecond", () => {
  it("waits until just after the next whole second", () => {
    expect(untilNextSecond(10_000)).toBe(1015);
    expect(untilNextSecond(10_400)).toBe(615);
    expect(untilNextSecond(10_999)).toBe(16);
  });
});

describe("everySecond", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_700_000_000_250);
  });
  afterEach(() => vi.useRealTimers());

  it("ticks once a second, just after each second starts", () => {
    const page = new FakePage();
    const ticks: number[] = [];
    const stop = everySecond(() => ticks.push(Date.now()), Date.now, page);
    vi.advanceTimersByTime(4000);
    expect(ticks).toEqual([
      1_700_000_001_015, 1_700_000_002_015, 1_700_000_003_015, 1_700_000_004_015,
    ]);
    stop();
    vi.advanceTimersByTime(5000);
    expect(ticks).toHaveLength(4);
    expect(page.listening).toBe(0);
  });

  it("follows an offset clock's seconds", () => {
    const page = new FakePage();
    const ticks: number[] = [];
    // The backend's clock is 300 ms ahead: its seconds start at .700 of the page's.
    const given: number[] = [];
    everySecond(
      (nowMs) => {
        ticks.push(Date.now());
        given.push(nowMs);
      },
      () => Date.now() + 300,
      page,
    );
    vi.advanceTimersByTime(2000);
    expect(ticks).toEqual([1_700_000_000_715, 1_700_000_001_715]);
    // Each tick is handed the offset clock's time, just past its second.
    expect(given).toEqual([1_700_000_001_015, 1_700_000_002_015]);
  });

  it("does not tick while hidden, and ticks at once when shown again", () => {
    const page = new FakePage();
    let ticks = 0;
    everySecond(() => ticks++, Date.now, page);
    vi.advanceTimersByTime(1000);
    expect(ticks).toBe(1);
    page.setHidden(true);
    vi.advanceTimersByTime(60_000);
    expect(ticks).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    page.setHidden(false);
    expect(ticks).toBe(2);
    vi.advanceTimersByTime(1000);
    expect(ticks).toBe(3);
  });
});
