import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { strayText } from "./stray-text";

const root = join(__dirname, "..", "..");

/** Every .svelte file under ui/src. */
function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return svelteFiles(path);
    return entry.name.endsWith(".svelte") ? [path] : [];
  });
}

describe("stray English", () => {
  it("finds literal words in text and read attributes, and leaves the catalog's alone", () => {
    const source = [
      "<script>let x = 'Not markup';</script>",
      "<p>{t().a.b}</p>",
      "<p>Hello there</p>",
      '<button aria-label="Close" title={t().c}>×</button>',
      '<input placeholder="•••• ••••" />',
      "<span>Countersign</span> <span>· 3 –</span>",
      "{#if x}<em>Only here</em>{/if}",
      '<img alt="A logo" src="x.png" />',
      "<style>p { color: red; }</style>",
      "<p>{ok ? \"Saved\" : t().x} {kind === \"corrupt\"}</p>",
      "<div style:width=\"{w}px\"><code>vault.countersign</code></div>",
    ].join("\n");
    expect(strayText(source)).toEqual([
      { line: 3, text: "Hello there" },
      { line: 4, text: "Close" },
      { line: 7, text: "Only here" },
      { line: 8, text: "A logo" },
      { line: 10, text: "Saved" },
    ]);
  });

  it("finds none in the app's components", () => {
    const files = svelteFiles(root);
    expect(files.length).toBeGreaterThan(20);
    const found = files.flatMap((file) =>
      strayText(readFileSync(file, "utf8")).map(
        (stray) => `${relative(root, file)}:${stray.line}: ${JSON.stringify(stray.text)}`,
      ),
    );
    expect(found, "words in markup that are not in the catalog (see docs/translating.md)").toEqual([]);
  });
});
