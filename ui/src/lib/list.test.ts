import { describe, expect, it } from "vitest";
import { arrange, fold, groupsOf, matches, moveBefore, moveBy, type Listable } from "./list";

const accounts: Listable[] = [
  { id: "1", issuer: "GitHub", name: "octocat", group: "Work" },
  { id: "2", issuer: "Écolo Bank", name: "alice", note: "savings account", group: "Money" },
  { id: "3", issuer: "Google", name: "alice@gmail.com", favourite: true, lastUsed: 5 },
  { id: "4", issuer: "Gitea", name: "home", group: "Work", lastUsed: 10 },
  { id: "5", issuer: "", name: "bare-name" },
];

const ids = (list: Listable[]) => list.map((a) => a.id);

describe("search", () => {
  it("folds case and accents", () => {
    expect(fold("Écolo")).toBe("ecolo");
    expect(matches(accounts[1]!, "ECOLO")).toBe(true);
  });
  it("looks in issuer, name, note and group, every word", () => {
    expect(matches(accounts[1]!, "savings")).toBe(true);
    expect(matches(accounts[1]!, "money alice")).toBe(true);
    expect(matches(accounts[1]!, "money bob")).toBe(false);
    expect(matches(accounts[0]!, "work")).toBe(true);
  });
  it("puts favourites first, then issuer-prefix hits", () => {
    expect(ids(arrange(accounts, { query: "git" }))).toEqual(["1", "4"]);
    expect(ids(arrange(accounts, { query: "alice" }))).toEqual(["3", "2"]);
    expect(ids(arrange(accounts, { query: "g" }))).toEqual(["3", "1", "4", "2"]);
  });
});

describe("ordering", () => {
  it("keeps manual order with favourites pinned", () => {
    expect(ids(arrange(accounts, {}))).toEqual(["3", "1", "2", "4", "5"]);
  });
  it("sorts by name, accents folded, nameless by account", () => {
    expect(ids(arrange(accounts, { sort: "name" }))).toEqual(["3", "5", "2", "4", "1"]);
  });
  it("sorts by most recently used", () => {
    expect(ids(arrange(accounts, { sort: "recent" }))).toEqual(["3", "4", "1", "2", "5"]);
  });
  it("filters by group", () => {
    expect(ids(arrange(accounts, { group: "Work" }))).toEqual(["1", "4"]);
    expect(groupsOf(accounts)).toEqual(["Money", "Work"]);
  });
});

describe("reordering", () => {
  const order = ["a", "b", "c", "d"];
  it("moves by keyboard steps, clamped at the ends", () => {
    expect(moveBy(order, "b", 1)).toEqual(["a", "c", "b", "d"]);
    expect(moveBy(order, "b", -5)).toEqual(["b", "a", "c", "d"]);
    expect(moveBy(order, "d", 1)).toEqual(order);
    expect(moveBy(order, "zz", 1)).toEqual(order);
  });
  it("moves before a drop target or to the end", () => {
    expect(moveBefore(order, "d", "b")).toEqual(["a", "d", "b", "c"]);
    expect(moveBefore(order, "a", null)).toEqual(["b", "c", "d", "a"]);
  });
});
