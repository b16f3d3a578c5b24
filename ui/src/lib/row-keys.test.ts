import { describe, expect, it } from "vitest";
import { rowKeyAction } from "./row-keys";

const key = (k: string, altKey = false) => ({ key: k, altKey });

describe("rowKeyAction", () => {
  it("moves focus between rows, clamped at the ends", () => {
    expect(rowKeyAction(key("ArrowDown"), 3, 10)).toEqual({ kind: "focus", index: 4 });
    expect(rowKeyAction(key("ArrowDown"), 9, 10)).toEqual({ kind: "focus", index: 9 });
    expect(rowKeyAction(key("ArrowUp"), 3, 10)).toEqual({ kind: "focus", index: 2 });
    expect(rowKeyAction(key("Home"), 3, 10)).toEqual({ kind: "focus", index: 0 });
    expect(rowKeyAction(key("End"), 3, 10)).toEqual({ kind: "focus", index: 9 });
  });
  it("leaves the list upwards from the first row", () => {
    expect(rowKeyAction(key("ArrowUp"), 0, 10)).toEqual({ kind: "leave-top" });
  });
  it("moves the row with Alt and an arrow", () => {
    expect(rowKeyAction(key("ArrowUp", true), 0, 10)).toEqual({ kind: "move", delta: -1 });
    expect(rowKeyAction(key("ArrowDown", true), 3, 10)).toEqual({ kind: "move", delta: 1 });
  });
  it("edits with F2, removes with Delete, and leaves other keys alone", () => {
    expect(rowKeyAction(key("F2"), 3, 10)).toEqual({ kind: "edit" });
    expect(rowKeyAction(key("Delete"), 3, 10)).toEqual({ kind: "remove" });
    expect(rowKeyAction(key("Enter"), 3, 10)).toBeNull();
    expect(rowKeyAction(key("Home", true), 3, 10)).toEqual({ kind: "focus", index: 0 });
  });
});
