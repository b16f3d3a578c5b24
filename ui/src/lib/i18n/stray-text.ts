/** Finds words in Svelte markup that do not come from the catalog: text nodes, and the
 *  attributes a person reads or hears (`aria-label`, `aria-description`, `title`, `placeholder`,
 *  `alt`, `label`) written as literal text. A word there stays English in every language, so
 *  `stray-text.test.ts` fails on each one, naming its file and line. */
import { parse } from "svelte/compiler";

/** The attributes a person reads or a screen reader says. Text inside `<code>` is a sample of
 *  what to type or a file's name, never translated, and is not looked at. */
export const READ_ATTRIBUTES = ["aria-label", "aria-description", "title", "placeholder", "alt", "label"];

/** Literal text that is the same in every language, each with why. Keep it short: anything
 *  with a word a translator would change belongs in the catalog. */
export const ALLOWED: Record<string, string> = {
  Countersign: "the product's name",
  SHA1: "an algorithm's name (also SHA256, SHA512)",
  SHA256: "an algorithm's name",
  SHA512: "an algorithm's name",
  AAGUID: "the FIDO term for a key model's identifier, the same in every language",
  "otpauth://totp/Example:you@example.com?secret=…": "a sample setup link, typed as shown",
  "you@example.com": "a sample account name",
  "JBSW Y3DP EHPK 3PXP": "a sample setup key in base32",
};

/** One stray text: where, and the text. */
export interface Stray {
  line: number;
  text: string;
}

/** Whether `text` has a letter in it that a translator would change: symbols, digits,
 *  punctuation and the allow-list pass. */
function needsTranslation(text: string): boolean {
  const trimmed = text.replace(/\s+/g, " ").trim();
  if (trimmed === "" || ALLOWED[trimmed] !== undefined) return false;
  return /\p{L}/u.test(trimmed);
}

interface Node {
  type: string;
  start: number;
  end: number;
  name?: string;
  data?: string;
  value?: true | Node | Node[];
  [key: string]: unknown;
}

/** The string literals of an expression shown as text (`{ok ? "Saved" : t().x}`), leaving out
 *  those that are compared or passed to a function (`kind === "corrupt"`, `t().f("x")`): those
 *  are codes, not words. */
function literals(expression: unknown, report: (node: Node, text: string) => void): void {
  if (typeof expression !== "object" || expression === null) return;
  const node = expression as Node;
  if (node.type === "Literal" && typeof node.value === "string") {
    report(node, node.value);
    return;
  }
  if (node.type === "TemplateLiteral") {
    for (const quasi of node.quasis as Node[]) report(quasi, (quasi.value as unknown as { cooked: string }).cooked);
  }
  if (node.type === "CallExpression" || node.type === "BinaryExpression" || node.type === "MemberExpression") {
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "type" || key === "start" || key === "end" || key === "loc" || key === "metadata") continue;
    if (Array.isArray(value)) for (const child of value) literals(child, report);
    else if (typeof value === "object" && value !== null) literals(value, report);
  }
}

/** Every stray text of one Svelte file's markup, in order. */
export function strayText(source: string): Stray[] {
  const ast = parse(source, { modern: true }) as unknown as { fragment: Node };
  const found: Stray[] = [];
  const lineOf = (offset: number) => source.slice(0, offset).split("\n").length;
  const report = (node: Node, text: string) => {
    if (needsTranslation(text)) {
      const lead = text.length - text.trimStart().length;
      found.push({ line: lineOf(node.start + lead), text: text.replace(/\s+/g, " ").trim() });
    }
  };
  const visit = (node: unknown, parent?: Node): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, parent);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const current = node as Node;
    // Scripts and styles are code, not markup.
    if (current.type === "Script" || current.type === "StyleSheet") return;
    // `style:` and other directives hold CSS or code; `<code>` holds samples and file names.
    if (current.type?.endsWith("Directive")) return;
    if (current.type === "RegularElement" && current.name === "code") return;
    if (current.type === "Text" && parent?.type !== "Attribute") {
      // Inside <style> or <script> elements written in the template, text is code.
      if (parent?.name !== "style" && parent?.name !== "script") report(current, current.data ?? "");
      return;
    }
    if (current.type === "Attribute") {
      if (!READ_ATTRIBUTES.includes(current.name ?? "")) return;
      const parts = Array.isArray(current.value) ? current.value : [current.value];
      for (const part of parts) {
        if (typeof part !== "object") continue;
        if (part.type === "Text") report(part, part.data ?? "");
        if (part.type === "ExpressionTag") literals(part.expression, report);
      }
      return;
    }
    if (current.type === "ExpressionTag") {
      literals(current.expression, report);
      return;
    }
    for (const [key, value] of Object.entries(current)) {
      if (key === "type" || key === "start" || key === "end" || key === "metadata") continue;
      if (typeof value === "object" && value !== null) {
        visit(value, current.type === "Fragment" ? parent : current);
      }
    }
  };
  visit(ast.fragment);
  return found;
}
