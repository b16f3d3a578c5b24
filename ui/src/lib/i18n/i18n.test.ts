import { afterEach, describe, expect, it } from "vitest";
import { applyLanguage, catalogs, errorText, matchLocale, resolveLocale, setOsLanguages, t, type Catalog } from ".";
import { formatList, formatNumber, formatRelative, plural } from "./format";

/** Every key path of a catalog ("codes.search"), with the kind of value it holds. */
function shape(value: unknown, prefix = ""): string[] {
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => shape(inner, prefix ? `${prefix}.${key}` : key));
  }
  return [`${prefix}: ${typeof value}`];
}

afterEach(() => applyLanguage("en"));

describe("the catalogs", () => {
  // The type check already refuses a missing or extra key; this names them for a translator.
  it.each(Object.entries(catalogs).filter(([code]) => code !== "en"))("%s has exactly English's keys", (_, catalog) => {
    const english = shape(catalogs.en);
    const translated = shape(catalog);
    expect({ missing: english.filter((key) => !translated.includes(key)), extra: translated.filter((key) => !english.includes(key)) }).toEqual({
      missing: [],
      extra: [],
    });
  });

  it("has no empty translation", () => {
    for (const [code, catalog] of Object.entries(catalogs) as [string, Catalog][]) {
      const empty = shape(catalog).filter((key) => key.endsWith(": string")).map((key) => key.slice(0, -": string".length))
        .filter((path) => path.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalog) === "");
      // German puts the account's name first in "… entfernen?": the part before it is empty.
      expect(empty.filter((path) => path !== "codes.removeBefore"), code).toEqual([]);
    }
  });
});

describe("the locale", () => {
  it("follows the first preferred language the UI has", () => {
    expect(matchLocale(["fr-FR", "de-AT", "en"])).toBe("de");
    expect(matchLocale(["ar_EG"])).toBe("ar");
    expect(matchLocale(["fr", "ja"])).toBe("en");
    expect(matchLocale([])).toBe("en");
  });

  it("takes the person's choice over the OS's", () => {
    expect(resolveLocale("system", ["de-DE"])).toBe("de");
    expect(resolveLocale("ar", ["de-DE"])).toBe("ar");
  });

  it("follows the OS's languages as Rust reads them", () => {
    setOsLanguages(["C"]);
    applyLanguage("system");
    expect(document.documentElement.lang).toBe("en");
    setOsLanguages(["de-DE", "en-US"]);
    applyLanguage("system");
    expect(document.documentElement.lang).toBe("de");
    expect(t().nav.settings).toBe("Einstellungen");
    setOsLanguages(["en-US"]);
  });

  it("sets the page's language and direction", () => {
    applyLanguage("ar");
    expect(document.documentElement.lang).toBe("ar");
    expect(document.documentElement.dir).toBe("rtl");
    expect(t().nav.settings).toBe("الإعدادات");
    applyLanguage("de");
    expect(document.documentElement.dir).toBe("ltr");
    expect(t().nav.settings).toBe("Einstellungen");
  });
});

describe("formatting", () => {
  it("chooses Arabic's six plural forms", () => {
    const forms = { zero: "zero", one: "one", two: "two", few: "few", many: "many", other: "other" };
    expect([0, 1, 2, 3, 11, 100].map((count) => plural("ar", count, forms))).toEqual([
      "zero", "one", "two", "few", "many", "other",
    ]);
    expect(plural("de", 1, { one: "Konto", other: "Konten" })).toBe("Konto");
    expect(plural("de", 2, { one: "Konto", other: "Konten" })).toBe("Konten");
  });

  it("writes numbers and times for the locale", () => {
    expect(formatNumber("de", 1234.5)).toBe("1.234,5");
    expect(formatNumber("en", 1234.5)).toBe("1,234.5");
    expect(formatRelative("de", 1000 - 180, 1000)).toBe("vor 3 Minuten");
    expect(formatRelative("en", 1000 + 86_400, 1000)).toBe("tomorrow");
  });

  it("counts added accounts in each language", () => {
    expect(catalogs.en.added.accounts(1)).toBe("1 account added");
    expect(catalogs.de.added.accounts(3)).toBe("3 Konten hinzugefügt");
    expect(catalogs.ar.added.accounts(2)).toBe("أُضيف حسابان");
  });
});

describe("errors from Rust", () => {
  it("are translated by kind, with the seconds the error carries", () => {
    applyLanguage("de");
    expect(errorText({ kind: "wrong_password", message: "That password is not right." })).toBe(
      "Dieses Passwort ist nicht richtig.",
    );
    expect(errorText({ kind: "rate_limited", message: "Too many attempts", retryAfter: 7 })).toBe(
      "Zu viele Versuche; versuchen Sie es in 7 s erneut.",
    );
  });

  it("say the details Rust sends in args, in German", () => {
    applyLanguage("de");
    const pin = (attemptsLeft?: number) =>
      errorText({ kind: "pin_invalid", message: "Wrong PIN.", ...(attemptsLeft === undefined ? {} : { args: { attemptsLeft } }) });
    expect(pin(1)).toBe("Falsche PIN. Noch 1 Versuch, bevor der Schlüssel seine PIN sperrt.");
    expect(pin(3)).toBe("Falsche PIN. Noch 3 Versuche, bevor der Schlüssel seine PIN sperrt.");
    expect(pin()).toBe("Falsche PIN.");
    expect(errorText({ kind: "same_vault_there", message: "/x already holds this vault", args: { path: "/home/me/Sync" } })).toBe(
      "In /home/me/Sync liegt schon dieser Tresor; öffnen Sie ihn stattdessen dort.",
    );
    expect(errorText({ kind: "io", message: "/v/vault.cs: disk full", args: { path: "/v/vault.cs" } })).toBe(
      "/v/vault.cs konnte nicht gelesen oder geschrieben werden.",
    );
    expect(errorText({ kind: "no_such_slot", message: "the vault has no recovery slot", args: { slot: "recovery" } })).toBe(
      "Der Tresor hat keinen Wiederherstellungsschlüssel.",
    );
    expect(errorText({ kind: "no_such_backup_code", message: "no number 3", args: { number: 3 } })).toBe(
      "Das Konto hat keinen Backup-Code Nummer 3.",
    );
  });

  it("name a setup link's fault by its field and problem", () => {
    applyLanguage("de");
    expect(errorText({ kind: "invalid_uri", message: "the URI has no secret parameter", args: { field: "secret", problem: "missing" } })).toBe(
      "Das Geheimnis fehlt.",
    );
    expect(errorText({ kind: "invalid_digits", message: "x", args: { field: "digits", problem: "out_of_range" } })).toBe(
      "Die Stellenzahl muss zwischen 1 und 10 liegen.",
    );
    expect(errorText({ kind: "invalid_uri", message: "label: bad", args: { field: "label", problem: "encoding" } })).toBe(
      "label: keine gültige prozentkodierte UTF-8-Angabe.",
    );
    // Without args (or with ones this catalog does not know), Rust's sentence.
    expect(errorText({ kind: "invalid_account", message: "Entry 3 cannot be imported." })).toBe("Entry 3 cannot be imported.");
    applyLanguage("ar");
    expect(errorText({ kind: "invalid_secret", message: "x", args: { field: "secret", problem: "not_base32" } })).toBe(
      "في السر حرف ليس من Base32 (A–Z، 2–7).",
    );
    expect(errorText({ kind: "invalid_period", message: "x", args: { field: "period", problem: "out_of_range" } })).toBe(
      `يجب أن تكون المدة من ${formatNumber("ar", 1)} إلى ${formatNumber("ar", 86400)} ثانية.`,
    );
  });

  it("name the refused setting", () => {
    applyLanguage("de");
    expect(errorText({ kind: "invalid_settings", message: "x", args: { setting: "autoLockMinutes" } })).toBe(
      "Die Zeit bis zum automatischen Sperren kann höchstens einen Tag betragen.",
    );
    applyLanguage("ar");
    expect(errorText({ kind: "invalid_settings", message: "x", args: { setting: "clockCheck" } })).toBe("سمِّ خادم وقت لفحص الساعة به.");
    expect(errorText({ kind: "invalid_settings", message: "Rust's words" })).toBe("Rust's words");
  });

  it("count what there was to export", () => {
    const none = (count: number) => errorText({ kind: "nothing_to_export", message: "x", args: { count, format: "Google Authenticator QR codes" } });
    applyLanguage("de");
    expect(errorText({ kind: "nothing_to_export", message: "x", args: { count: 0 } })).toBe("Es gibt noch keine Konten zum Exportieren.");
    expect(none(3)).toBe("Keines der 3 Konten passt in die QR-Codes von Google Authenticator. Zeigen Sie stattdessen einen Code pro Konto.");
    expect(errorText({ kind: "qr_too_long", message: "x", args: { name: "Bank (me)" } })).toBe("Bank (me): zu viele Daten für einen QR-Code.");
    applyLanguage("ar");
    const rest = "رموز QR الخاصة بـGoogle Authenticator. اعرض رمزًا لكل حساب بدلًا من ذلك.";
    expect(none(1)).toBe(`لا يتّسع الحساب في ${rest}`);
    expect(none(2)).toBe(`لا يتّسع أيٌّ من الحسابين في ${rest}`);
    expect(none(4)).toBe(`لا يتّسع أيٌّ من الحسابات الـ${formatNumber("ar", 4)} في ${rest}`);
  });

  it("say the details Rust sends in args, in Arabic with its plural forms", () => {
    applyLanguage("ar");
    const pin = (attemptsLeft: number) => errorText({ kind: "pin_invalid", message: "Wrong PIN.", args: { attemptsLeft } });
    expect(pin(0)).toBe("رقم PIN خاطئ. لم تبقَ أيّ محاولة قبل أن يحظر المفتاح رقم PIN.");
    expect(pin(1)).toBe("رقم PIN خاطئ. بقيت محاولة واحدة قبل أن يحظر المفتاح رقم PIN.");
    expect(pin(2)).toBe("رقم PIN خاطئ. بقيت محاولتان قبل أن يحظر المفتاح رقم PIN.");
    expect(pin(3)).toBe(`رقم PIN خاطئ. بقيت ${formatNumber("ar", 3)} محاولات قبل أن يحظر المفتاح رقم PIN.`);
    expect(pin(11)).toBe(`رقم PIN خاطئ. بقيت ${formatNumber("ar", 11)} محاولة قبل أن يحظر المفتاح رقم PIN.`);
    expect(errorText({ kind: "other_vault_there", message: "x", args: { path: "/media/usb" } })).toBe(
      "يحوي /media/usb خزنة أخرى بالفعل.",
    );
    expect(errorText({ kind: "no_such_slot", message: "x", args: { slot: "keyring" } })).toBe("لا تُفتح الخزنة بسلسلة مفاتيح النظام.");
  });

  it("are Rust's own sentences in English", () => {
    applyLanguage("en");
    expect(errorText({ kind: "wrong_password", message: "The password is wrong." })).toBe("The password is wrong.");
  });

  it("fall back to Rust's sentence for a kind the catalog lacks", () => {
    applyLanguage("ar");
    expect(errorText({ kind: "key_error", message: "Disk full." })).toBe("Disk full.");
    expect(errorText(new Error("boom"))).toBe("boom");
  });
});

describe("lists of values", () => {
  it("use each language's comma and digits", () => {
    expect(formatList("en", [1, 2])).toBe("1, 2");
    expect(formatList("de", ["FIDO_2_0", "U2F_V2"])).toBe("FIDO_2_0, U2F_V2");
    // Arabic's digits as this ICU writes them (WebKitGTK's: ١، ٢).
    expect(formatList("ar", [1, 2])).toBe(`${formatNumber("ar", 1)}\u060C ${formatNumber("ar", 2)}`);
    expect(formatList("ar", ["FIDO_2_0", "U2F_V2"])).toBe("FIDO_2_0\u060C U2F_V2");
  });
});
