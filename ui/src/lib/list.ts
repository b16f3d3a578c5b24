/** Pure list logic: search, grouping and ordering of accounts. Unit-tested, no DOM. */

/** What list logic needs of an account. */
export interface Listable {
  id: string;
  issuer: string;
  name: string;
  note?: string;
  group?: string | null;
  favourite?: boolean;
  lastUsed?: number | null;
}

/** How the list is ordered. */
export type SortOrder = "manual" | "name" | "recent";

/** Lower-case, accents removed: "Éco" matches "eco". */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The words of a search, folded. */
function searchWords(query: string): string[] {
  return fold(query).split(/\s+/).filter(Boolean);
}

/** Whether every word of `query` appears in the issuer, account name, note or group. */
export function matches(account: Listable, query: string): boolean {
  return matchesWords(account, searchWords(query));
}

function matchesWords(account: Listable, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const haystack = fold(
    [account.issuer, account.name, account.note ?? "", account.group ?? ""].join("\u0000"),
  );
  return words.every((word) => haystack.includes(word));
}

/** Where an account's search hit is strongest (`q`: the folded, trimmed query): issuer
 *  prefix beats name prefix beats anywhere else. */
function rank(account: Listable, q: string): number {
  if (fold(account.issuer).startsWith(q)) return 0;
  if (fold(account.name).startsWith(q)) return 1;
  return 2;
}

function byName(a: Listable, b: Listable): number {
  return (
    fold(a.issuer || a.name).localeCompare(fold(b.issuer || b.name)) ||
    fold(a.name).localeCompare(fold(b.name))
  );
}

/**
 * The accounts to show, in order: filtered by `group` and `query`; favourites first; then by
 * search strength (when searching) and the chosen sort. `accounts` is in manual order.
 */
export function arrange<T extends Listable>(
  accounts: readonly T[],
  options: { query?: string; group?: string | null; sort?: SortOrder },
): T[] {
  const query = options.query ?? "";
  const sort = options.sort ?? "manual";
  const position = new Map(accounts.map((a, i) => [a.id, i]));
  // Folded once, not once per account or comparison: this runs on every refresh of the codes,
  // over every account.
  const words = searchWords(query);
  const q = fold(query.trim());
  const strengths = new Map<string, number>();
  const strength = (a: T) => {
    let value = strengths.get(a.id);
    if (value === undefined) strengths.set(a.id, (value = rank(a, q)));
    return value;
  };
  return accounts
    .filter((a) => options.group == null || a.group === options.group)
    .filter((a) => matchesWords(a, words))
    .sort((a, b) => {
      const favourite = Number(b.favourite ?? false) - Number(a.favourite ?? false);
      if (favourite) return favourite;
      const stronger = q ? strength(a) - strength(b) : 0;
      if (stronger) return stronger;
      if (sort === "name") return byName(a, b);
      if (sort === "recent") {
        const used = (b.lastUsed ?? 0) - (a.lastUsed ?? 0);
        if (used) return used;
      }
      return (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0);
    });
}

/** The distinct groups, sorted, for the filter bar. */
export function groupsOf(accounts: readonly Listable[]): string[] {
  const groups = new Set<string>();
  for (const a of accounts) if (a.group) groups.add(a.group);
  return [...groups].sort((a, b) => fold(a).localeCompare(fold(b)));
}

/** `ids` with `id` moved by `delta` places (clamped): keyboard reordering. */
export function moveBy(ids: readonly string[], id: string, delta: number): string[] {
  const from = ids.indexOf(id);
  if (from < 0) return [...ids];
  const to = Math.max(0, Math.min(ids.length - 1, from + delta));
  const result = [...ids];
  result.splice(from, 1);
  result.splice(to, 0, id);
  return result;
}

/** `ids` with `id` moved to just before `beforeId` (or to the end when null): drag and drop. */
export function moveBefore(ids: readonly string[], id: string, beforeId: string | null): string[] {
  const result = ids.filter((x) => x !== id);
  const at = beforeId === null ? result.length : result.indexOf(beforeId);
  result.splice(at < 0 ? result.length : at, 0, id);
  return result;
}
