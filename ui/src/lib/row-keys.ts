/** What a key pressed on a row of the account list does: pure, so it is unit-tested. */

/** The part of a keyboard event that decides what a row key does. */
export interface RowKey {
  key: string;
  altKey: boolean;
}

/** What a row key asks for: focus another row, move this one, leave the list upwards, or
 *  edit or remove this row's account. */
export type RowKeyAction =
  | { kind: "focus"; index: number }
  | { kind: "move"; delta: -1 | 1 }
  | { kind: "leave-top" }
  | { kind: "edit" }
  | { kind: "remove" };

/** The action of `event` on row `index` of `count` rows, or null when the key is not the list's. */
export function rowKeyAction(event: RowKey, index: number, count: number): RowKeyAction | null {
  const up = event.key === "ArrowUp";
  if (event.altKey && (up || event.key === "ArrowDown")) return { kind: "move", delta: up ? -1 : 1 };
  switch (event.key) {
    case "ArrowDown":
      return { kind: "focus", index: Math.min(count - 1, index + 1) };
    case "ArrowUp":
      return index === 0 ? { kind: "leave-top" } : { kind: "focus", index: Math.max(0, index - 1) };
    case "Home":
      return { kind: "focus", index: 0 };
    case "End":
      return { kind: "focus", index: count - 1 };
    case "Delete":
      return { kind: "remove" };
    case "F2":
      return { kind: "edit" };
    default:
      return null;
  }
}
