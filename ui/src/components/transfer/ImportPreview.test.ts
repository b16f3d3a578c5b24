import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ImportPreview as Preview } from "../../lib/transfer-api";
import ImportPreview from "./ImportPreview.svelte";

/** The details a preview item carries only for duplicates and unnamed entries. */
const none = { position: null, existing: null, sameAs: null, problem: null };

const preview: Preview = {
  token: "t1",
  fileName: "aegis.json",
  format: "Aegis",
  formatId: "aegis",
  warnings: [],
  items: [
    { ...none, index: 0, issuer: "Deno", name: "Mason", kind: "totp", status: "new", detail: null },
    {
      ...none,
      index: 1,
      issuer: "WWE",
      name: "Mason",
      kind: "hotp",
      status: "duplicate",
      detail: "Already in your vault as WWE (Mason)",
      existing: "WWE (Mason)",
    },
    {
      ...none,
      index: 2,
      issuer: "",
      name: "",
      kind: null,
      status: "invalid",
      detail: "Digits: 12 is not a number from 1 to 10.",
      position: 3,
    },
    { ...none, index: 3, issuer: "Boeing", name: "Sophia", kind: "steam", status: "new", detail: null },
  ],
};

describe("the import preview", () => {
  it("lists every entry, selects the new ones and explains the others", () => {
    render(ImportPreview, { preview, onimport: vi.fn(), oncancel: vi.fn() });
    const list = screen.getByRole("list", { name: "Accounts in aegis.json" });
    expect(list.querySelectorAll("li")).toHaveLength(4);
    expect(screen.getByText("2 new · 1 already in your vault · 1 cannot be imported")).toBeTruthy();
    const deno = screen.getByRole("checkbox", { name: "Deno Mason" }) as HTMLInputElement;
    const wwe = screen.getByRole("checkbox", { name: "WWE Mason" }) as HTMLInputElement;
    const broken = screen.getByRole("checkbox", { name: "Entry 3" }) as HTMLInputElement;
    expect([deno.checked, deno.disabled]).toEqual([true, false]);
    expect([wwe.checked, wwe.disabled]).toEqual([false, true]);
    expect([broken.checked, broken.disabled]).toEqual([false, true]);
    expect(wwe.getAttribute("aria-describedby")).toBe("import-item-1-detail");
    expect(document.getElementById("import-item-2-detail")?.textContent).toBe(
      "Digits: 12 is not a number from 1 to 10.",
    );
    expect(screen.getByRole("button", { name: "Import 2 accounts" })).toBeTruthy();
  });

  it("imports what is selected, and nothing can be imported with nothing selected", async () => {
    const user = userEvent.setup();
    const onimport = vi.fn(async () => {});
    render(ImportPreview, { preview, onimport, oncancel: vi.fn() });
    await user.click(screen.getByRole("checkbox", { name: "Deno Mason" }));
    await user.click(screen.getByRole("button", { name: "Import 1 account" }));
    expect(onimport).toHaveBeenCalledWith([3]);

    await user.click(screen.getByRole("button", { name: "Select none" }));
    const button = screen.getByRole("button", { name: "Import 0 accounts" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    await user.click(screen.getByRole("button", { name: "Select all" }));
    expect((screen.getByRole("checkbox", { name: "Boeing Sophia" }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole("button", { name: "Import 2 accounts" })).toBeTruthy();
  });

  it("shows why the import failed and keeps the choice", async () => {
    const user = userEvent.setup();
    const onimport = vi.fn(async () => {
      throw { kind: "changed_on_disk", message: "The vault file was changed by another program." };
    });
    render(ImportPreview, { preview, onimport, oncancel: vi.fn() });
    await user.click(screen.getByRole("button", { name: "Import 2 accounts" }));
    expect(screen.getByRole("alert").textContent).toBe("The vault file was changed by another program.");
    expect(screen.getByRole("button", { name: "Import 2 accounts" })).toBeTruthy();
  });
});
