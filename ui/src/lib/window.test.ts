import { describe, expect, it } from "vitest";
import { renderedRows, rowWindow, scrollToShow } from "./window";

describe("rowWindow", () => {
  it("renders the visible rows plus overscan and pads the rest", () => {
    // 5,000 rows of 80 px, a 600 px viewport scrolled to row 100.
    const w = rowWindow(5000, 80, 8000, 600, 5);
    expect(w.start).toBe(95);
    expect(w.end).toBe(100 + 9 + 5);
    expect(w.padTop).toBe(95 * 80);
    expect(w.padBottom).toBe((5000 - w.end) * 80);
    expect(w.padTop + (w.end - w.start) * 80 + w.padBottom).toBe(5000 * 80);
  });
  it("clamps at both ends", () => {
    expect(rowWindow(3, 80, 0, 600)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 });
    const last = rowWindow(100, 80, 1_000_000, 600, 2);
    expect(last.end).toBe(100);
    expect(last.start).toBeLessThan(100);
    expect(rowWindow(0, 80, 0, 600)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
});

describe("scrollToShow", () => {
  it("scrolls up or down just enough, or not at all", () => {
    expect(scrollToShow(10, 80, 0, 400)).toBe(11 * 80 - 400);
    expect(scrollToShow(2, 80, 400, 400)).toBe(160);
    expect(scrollToShow(6, 80, 400, 400)).toBeNull();
  });
});

describe("renderedRows", () => {
  it("renders a short list whole and windows a long one", () => {
    expect(renderedRows(149, 78, 5000, 600, 150)).toEqual({ start: 0, end: 149, padTop: 0, padBottom: 0 });
    expect(renderedRows(5000, 78, 7800, 600, 150)).toEqual(rowWindow(5000, 78, 7800, 600));
  });
});
