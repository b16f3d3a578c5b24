import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyLanguage, catalogs, errorText } from ".";
import type { CopiedInstead, PreviewItem, ScanNote, VaultChanged, WarningView } from "../bindings";
import { formatNumber } from "./format";
import {
  copiedInsteadText,
  formatName,
  importWarningText,
  leftOutText,
  previewDetail,
  previewLabel,
  qrLabel,
  scanNoteText,
  skippedText,
  syncNewsText,
} from "./notes";

afterEach(() => applyLanguage("en"));

const ar = (value: number) => formatNumber("ar", value);
/** A name isolated from the sentence around it. */
const iso = (text: string) => `\u2068${text}\u2069`;

function news(added: number, changed = 0, removed = 0, leftAlone: VaultChanged["leftAlone"] = []): VaultChanged {
  return { counts: { added, changed, removed }, leftAlone };
}

describe("the sync toast", () => {
  it("says the counts in English as Rust used to", () => {
    expect(syncNewsText(news(1))).toBe("1 account added on another computer.");
    expect(syncNewsText(news(2, 1))).toBe("2 accounts added, 1 changed on another computer.");
    expect(syncNewsText(news(0, 3, 1))).toBe("3 accounts changed, 1 removed on another computer.");
    expect(
      syncNewsText(news(1, 1, 1, [{ file: "vault.sync-conflict.countersign", reason: "other_vault", replaced: false }])),
    ).toBe("1 account added, 1 changed, 1 removed on another computer. Left vault.sync-conflict.countersign alone: it holds another vault.");
    expect(syncNewsText(news(0, 0, 0, [{ file: "vault.countersign", reason: "other_key", replaced: true }]))).toBe(
      "vault.countersign was replaced by a copy that cannot be merged (it is under another password, or damaged): changes here are not saved until you lock and unlock.",
    );
  });

  it("says them in German, with singular and plural", () => {
    applyLanguage("de");
    expect(syncNewsText(news(1))).toBe("Auf einem anderen Computer: 1 Konto hinzugefügt.");
    expect(syncNewsText(news(2, 1, 0))).toBe("Auf einem anderen Computer: 2 Konten hinzugefügt, 1 Konto geändert.");
    expect(syncNewsText(news(0, 0, 1_000))).toBe("Auf einem anderen Computer: 1.000 Konten entfernt.");
    expect(syncNewsText(news(0, 0, 0, [{ file: "x.countersign", reason: "newer_version", replaced: false }]))).toBe(
      "x.countersign wurde nicht angetastet: sie stammt von einer neueren Version von Countersign.",
    );
  });

  it("says them in Arabic with each of its plural forms", () => {
    applyLanguage("ar");
    const added = (count: number) => syncNewsText(news(count));
    expect(added(1)).toBe("على حاسوب آخر: أُضيف حساب واحد.");
    expect(added(2)).toBe("على حاسوب آخر: أُضيف حسابان.");
    expect(added(3)).toBe(`على حاسوب آخر: أُضيفت ${ar(3)} حسابات.`);
    expect(added(11)).toBe(`على حاسوب آخر: أُضيف ${ar(11)} حسابًا.`);
    expect(added(100)).toBe(`على حاسوب آخر: أُضيف ${ar(100)} حساب.`);
    // 0 accounts of a kind are not mentioned; the other counts are.
    expect(syncNewsText(news(0, 2, 3))).toBe(`على حاسوب آخر: عُدِّل حسابان، حُذفت ${ar(3)} حسابات.`);
    expect(syncNewsText(news(0))).toBe("");
    expect(syncNewsText(news(0, 0, 0, [{ file: "v.countersign", reason: "corrupt", replaced: true }]))).toBe(
      "حلّت محلّ \u2068v.countersign\u2069 نسخة لا يمكن دمجها (تالفة أو ليست خزنة): لن تُحفظ التغييرات هنا حتى تقفل الخزنة وتفتحها.",
    );
  });
});

describe("scan notes", () => {
  const duplicate: ScanNote = {
    kind: "duplicate",
    source: "scan",
    message: "This account is already in your vault, as ACME (alice). It was not added again.",
    existing: "ACME (alice)",
  };
  const invalid: ScanNote = {
    kind: "invalid",
    source: "scan",
    message: "This QR code holds a setup link Countersign cannot use: digits: 12 is not a number from 1 to 10.",
    problem: { kind: "invalid_uri", message: "x", args: { field: "digits", problem: "out_of_range" } },
  };
  const file: ScanNote = {
    kind: "invalid",
    source: "file",
    message: "a.txt: That file is not an image Countersign can read (PNG, JPEG, WebP, GIF or BMP).",
    file: "a.txt",
    problem: { kind: "unsupported_image", message: "That file is not an image…" },
  };
  const web: ScanNote = { kind: "web_address", source: "scan", message: "…", address: "https://example.com" };

  it("keeps Rust's sentence in English", () => {
    expect(scanNoteText(duplicate)).toBe(duplicate.message);
    expect(scanNoteText(invalid)).toBe(invalid.message);
  });

  it("says every kind in German", () => {
    applyLanguage("de");
    expect(scanNoteText(duplicate)).toBe("Dieses Konto ist schon in Ihrem Tresor, als ACME (alice). Es wurde nicht noch einmal hinzugefügt.");
    expect(scanNoteText(invalid)).toBe(
      "Dieser QR-Code enthält einen Einrichtungslink, den Countersign nicht verwenden kann: Die Stellenzahl muss zwischen 1 und 10 liegen.",
    );
    expect(scanNoteText(file)).toBe("a.txt: Diese Datei ist kein Bild, das Countersign lesen kann (PNG, JPEG, WebP, GIF oder BMP).");
    expect(scanNoteText(web)).toBe("Dieser QR-Code enthält eine Webadresse, kein Zwei-Faktor-Konto: https://example.com");
    expect(scanNoteText({ kind: "text", source: "link", message: "…" })).toBe("Der geöffnete Link enthält kein Zwei-Faktor-Konto.");
    expect(
      scanNoteText({ ...invalid, source: "link", label: "Old: me", problem: { kind: "invalid_uri", message: "x", args: { field: "algorithm", problem: "unsupported" } } }),
    ).toBe("Der geöffnete Export-Link enthält ein Konto, das Countersign nicht verwenden kann: Old: me: Wählen Sie SHA1, SHA256 oder SHA512.");
  });

  it("says them in Arabic", () => {
    applyLanguage("ar");
    expect(scanNoteText(duplicate)).toBe("هذا الحساب موجود في خزنتك بالفعل باسم \u2068ACME (alice)\u2069. لم يُضَف مرة أخرى.");
    expect(scanNoteText({ kind: "text", source: "scan", message: "…" })).toBe("يحمل رمز QR هذا نصًا، لا حساب تحقق بخطوتين.");
  });

  it("lists a skipped export account without a doubled full stop", () => {
    const skipped = { label: "Old", problem: { kind: "invalid_uri", message: "unsupported number of digits (code 3)", args: { field: "digits", problem: "unsupported" } } };
    expect(skippedText(skipped)).toBe(`${iso("Old")}: unsupported number of digits (code 3)`);
    applyLanguage("de");
    expect(skippedText(skipped)).toBe(`${iso("Old")}: Nicht unterstützte Stellenzahl`);
  });
});

describe("a code copied instead of typed", () => {
  const noKey: CopiedInstead = { reason: "no_key", message: "Cannot type here: …", position: 3, character: "letter", partlyTyped: false };

  it("keeps Rust's sentence in English", () => {
    expect(copiedInsteadText(noKey)).toBe("Cannot type here: …");
  });

  it("says the reason, the character and the position in German and Arabic", () => {
    applyLanguage("de");
    expect(copiedInsteadText(noKey)).toBe(
      "Hier kann nicht getippt werden: Die verwendete Tastaturbelegung hat keine Taste für den Buchstaben an Stelle 3 des Codes. Wechseln Sie zu einer Belegung mit lateinischen Buchstaben und Ziffern (zum Beispiel Deutsch oder Englisch (US)), oder fügen Sie den Code ein. Der Code wurde stattdessen kopiert.",
    );
    expect(copiedInsteadText({ ...noKey, reason: "no_target", position: null, character: null })).toBe(
      "Countersign weiß nicht, in welches Fenster der Code gehört: Klicken Sie in das Feld, das danach fragt, kommen Sie zurück und versuchen Sie es erneut. Der Code wurde stattdessen kopiert.",
    );
    expect(copiedInsteadText({ ...noKey, reason: "connection_lost", partlyTyped: true })).toBe(
      "Das Tippen brach ab: Die Verbindung zum Display ist abgerissen. Ein Teil des Codes wurde vielleicht schon getippt: Leeren Sie zuerst das Feld. Der Code wurde stattdessen kopiert.",
    );
    expect(copiedInsteadText({ ...noKey, reason: "something_new" })).toBe(
      "Der Code konnte nicht getippt werden. Der Code wurde stattdessen kopiert.",
    );
    applyLanguage("ar");
    expect(copiedInsteadText({ ...noKey, reason: "untypable", character: "digit", position: 11 })).toBe(
      `لا يمكن كتابة الرقم في الموضع ${ar(11)} من الرمز: لا يُكتب هنا إلا الأرقام والحروف اللاتينية. الصق الرمز. نُسخ الرمز بدلًا من ذلك.`,
    );
  });
});

describe("the import preview", () => {
  const item = (over: Partial<PreviewItem>): PreviewItem => ({
    index: 0,
    issuer: "",
    name: "",
    kind: null,
    status: "invalid",
    detail: "Digits: 12 is not a number from 1 to 10.",
    position: null,
    existing: null,
    sameAs: null,
    problem: null,
    ...over,
  });
  const missing = (size: number, codes: number[]): WarningView => ({ kind: "missing_batches", message: "English", size, missing: codes });

  it("names an unnamed entry and says why in German", () => {
    applyLanguage("de");
    expect(previewLabel(item({ position: 3 }))).toBe("Eintrag 3");
    expect(previewDetail(item({ position: 3 }))).toBe("Dieser Eintrag kann nicht importiert werden.");
    const digits = { kind: "invalid_uri", message: "x", args: { field: "digits", problem: "out_of_range" } };
    expect(previewDetail(item({ position: 3, problem: digits }))).toBe("Die Stellenzahl muss zwischen 1 und 10 liegen.");
    expect(previewDetail(item({ status: "duplicate", existing: "Bank (card)", detail: "Already…" }))).toBe("Schon in Ihrem Tresor als Bank (card)");
    expect(previewDetail(item({ status: "duplicate", sameAs: 2, detail: "Same…" }))).toBe("Gleiches Geheimnis wie Eintrag 2 dieser Datei");
    expect(previewDetail(item({ status: "new", detail: null }))).toBeNull();
    expect(importWarningText(missing(3, [2]))).toBe(
      "Einem Google-Authenticator-Export aus 3 QR-Codes fehlt Code 2: Scannen Sie ihn auch, sonst werden seine Konten nicht importiert.",
    );
    expect(importWarningText(missing(12, [2, 11]))).toBe(
      "Einem Google-Authenticator-Export aus 12 QR-Codes fehlen die Codes 2, 11: Scannen Sie sie auch, sonst werden ihre Konten nicht importiert.",
    );
  });

  /** What Rust sends for an entry another app's file holds, by its field and problem. */
  const entry = (field: string, problem: string, name?: string) => ({
    problem: { kind: "invalid_account", message: "English", args: { field, problem, ...(name ? { name } : {}) } },
  });

  /** What the preview says of an entry of another app's file that Rust sent `over`. */
  const said = (over: Partial<PreviewItem>) => previewDetail(item({ issuer: "Deno (Mason)", ...over }));

  it("says in German why another app's entry cannot be imported", () => {
    applyLanguage("de");
    expect(said(entry("secret", "not_base32"))).toBe("Das Geheimnis enthält ein Zeichen, das nicht Base32 ist (A–Z, 2–7).");
    expect(said(entry("secret", "missing"))).toBe("Das Geheimnis fehlt.");
    expect(said(entry("secret", "unreadable"))).toBe("Das Geheimnis ist nicht lesbar: Es hat nicht die Form, die diese Art Datei verwendet.");
    expect(said(entry("secret", "damaged"))).toBe(
      "Das Geheimnis lässt sich nicht entschlüsseln, obwohl das Passwort den Rest der Datei öffnet: Die Datei wurde verändert.",
    );
    expect(said(entry("type", "unsupported", "Yandex OTP"))).toBe("Yandex OTP wird nicht unterstützt.");
    expect(said(entry("type", "unsupported"))).toBe("Unbekannte Code-Art (erwartet: totp, hotp oder steam).");
    expect(said(entry("algorithm", "unsupported"))).toBe("Wählen Sie SHA1, SHA256 oder SHA512.");
    expect(said(entry("period", "out_of_range"))).toBe("Der Zeitraum muss zwischen 1 und 86.400 Sekunden liegen.");
    expect(said(entry("entry", "unreadable"))).toBe("Dieser Eintrag ist nicht lesbar: Ein Teil fehlt oder hat die falsche Form.");
  });

  it("says in Arabic why another app's entry cannot be imported", () => {
    applyLanguage("ar");
    expect(said(entry("secret", "not_base32"))).toBe("في السر حرف ليس من Base32 (A–Z، 2–7).");
    expect(said(entry("secret", "unreadable"))).toBe("تعذّرت قراءة السر: ليس بالصيغة التي يستخدمها هذا النوع من الملفات.");
    expect(said(entry("secret", "damaged"))).toBe("تعذّر فك تشفير السر مع أن كلمة المرور تفتح بقية الملف: لقد تغيّر الملف.");
    expect(said(entry("type", "unsupported", "mOTP"))).toBe(`${iso("mOTP")} غير مدعوم.`);
    expect(said(entry("entry", "unreadable"))).toBe("تعذّرت قراءة هذا الإدخال: جزء منه مفقود أو بصيغة غير صحيحة.");
  });

  it("keeps the reader's English reason in English, whatever the cause", () => {
    expect(previewDetail(item({ detail: "Yandex OTP is not supported.", ...entry("type", "unsupported", "Yandex OTP") }))).toBe(
      "Yandex OTP is not supported.",
    );
  });

  it("names the formats that are no app's name in the window's language", () => {
    expect(formatName("uris", "otpauth:// URI list")).toBe("otpauth:// URI list");
    applyLanguage("de");
    expect(formatName("uris", "otpauth:// URI list")).toBe("otpauth://-Linkliste");
    expect(formatName("countersign", "Countersign backup")).toBe("Countersign-Sicherung");
    expect(formatName("aegis", "Aegis")).toBe("Aegis");
    applyLanguage("ar");
    expect(formatName("google-db", "Google Authenticator (database)")).toBe("Google Authenticator (قاعدة البيانات)");
  });

  it("keeps Rust's words in English", () => {
    expect(previewLabel(item({ position: 3 }))).toBe("Entry 3");
    expect(previewDetail(item({}))).toBe("Digits: 12 is not a number from 1 to 10.");
    expect(importWarningText(missing(3, [2]))).toBe("English");
  });

  it("says a missing export code in Arabic for every plural form of the export's size", () => {
    applyLanguage("ar");
    expect(previewLabel(item({ position: 100 }))).toBe(`المُدخل ${ar(100)}`);
    const tail = "الرمزُ ٢: امسحه أيضًا، وإلا فلن تُستورد حساباته.".replace("٢", ar(2));
    const said = (size: number) => importWarningText(missing(size, [2]));
    expect(said(0)).toBe(`ينقص تصديرَ Google Authenticator المؤلَّف من ${ar(0)} رمز QR ${tail}`);
    expect(said(1)).toBe(`ينقص تصديرَ Google Authenticator المؤلَّف من رمز QR واحد ${tail}`);
    expect(said(2)).toBe(`ينقص تصديرَ Google Authenticator المؤلَّف من رمزَي QR ${tail}`);
    expect(said(3)).toBe(`ينقص تصديرَ Google Authenticator المؤلَّف من ${ar(3)} رموز QR ${tail}`);
    expect(said(11)).toBe(`ينقص تصديرَ Google Authenticator المؤلَّف من ${ar(11)} رمزًا من رموز QR ${tail}`);
    expect(said(100)).toBe(`ينقص تصديرَ Google Authenticator المؤلَّف من ${ar(100)} رمز QR ${tail}`);
  });
});

describe("errors from scanning and importing files", () => {
  it("say the OS's reason, the versions and the entry in German and Arabic", () => {
    applyLanguage("de");
    expect(errorText({ kind: "io", message: "x", args: { path: "/tmp/a.json", osError: "permission_denied" } })).toBe(
      "/tmp/a.json konnte nicht gelesen oder geschrieben werden (keine Berechtigung).",
    );
    expect(errorText({ kind: "io", message: "x", args: { path: "/tmp/a.json", osError: "other" } })).toBe(
      "/tmp/a.json konnte nicht gelesen oder geschrieben werden.",
    );
    expect(errorText({ kind: "unsupported_version", message: "x", args: { format: "Aegis", version: "9", supported: "3" } })).toBe(
      "Aegis-Dateien der Version 9 werden nicht unterstützt (diese Version von Countersign liest bis 3).",
    );
    expect(errorText({ kind: "unsupported_version", message: "x", args: { version: "3", supported: "2" } })).toBe(
      "Die Tresordatei hat das Format 3; diese Version von Countersign liest 2. Aktualisieren Sie Countersign, um sie zu öffnen.",
    );
    expect(errorText({ kind: "invalid_account", message: "x", args: { number: 4 } })).toBe("Eintrag 4 kann nicht importiert werden.");
    expect(errorText({ kind: "corrupt", message: "x", args: { format: "2FAS" } })).toBe("Die 2FAS-Datei ist beschädigt oder unvollständig.");
    expect(errorText({ kind: "invalid_algorithm", message: "x", args: { field: "algorithm", problem: "unsupported" } })).toBe(
      "Wählen Sie SHA1, SHA256 oder SHA512.",
    );
    applyLanguage("ar");
    expect(errorText({ kind: "unreadable_file", message: "x", args: { path: "/a.png", osError: "not_found" } })).toBe(
      "تعذّرت قراءة الملف (غير موجود).",
    );
    expect(errorText({ kind: "invalid_account", message: "x", args: { number: 11 } })).toBe(`لا يمكن استيراد المُدخل ${ar(11)}.`);
  });
});

describe("every new word has its German and Arabic", () => {
  const kinds = [
    "unsupported_version",
    "unreadable_file",
    "invalid_algorithm",
    "invalid_kind",
    "invalid_selection",
    "nothing_selected",
    "expired",
    "password_required",
    "unrecognised",
    "image",
    "wrong_format",
    "unsupported",
    "too_large",
    "kdf_too_expensive",
    "unsupported_image",
    "image_too_large",
    "corrupt_image",
    "scan_failed",
    "no_display",
    "screen_denied",
    "portal_unavailable",
    "capture_failed",
    "camera_not_found",
    "camera_denied",
    "camera_failed",
    "clipboard_unavailable",
    "clipboard_empty",
    "no_setup_link",
    "no_password",
    "not_found",
  ];
  const args = { format: "Aegis", version: "9", supported: "3", number: 2, path: "/a", osError: "not_found" };

  it.each(["de", "ar"] as const)("%s says every scan and import error in its words", (language) => {
    applyLanguage("en");
    const english = kinds.map((kind) => errorText({ kind, message: "ENGLISH", args }));
    applyLanguage(language);
    const said = kinds.map((kind) => errorText({ kind, message: "ENGLISH", args }));
    const untranslated = kinds.filter((_, i) => said[i] === "ENGLISH" || said[i] === english[i] || said[i] === "");
    expect(untranslated).toEqual([]);
  });

  it.each(["de", "ar"] as const)("%s says every reason a sync left a file alone or a code was copied", (language) => {
    const reasons = ["other_vault", "other_key", "corrupt", "newer_version", "unreadable", "other"] as const;
    const typing = ["no_target", "no_display", "cannot_connect", "xtest_missing", "no_key", "untypable", "modifiers_held", "refused",
      "unavailable", "accessibility_needed", "input_blocked", "connection_lost", "other"];
    const said = () => [
      ...reasons.map((reason) => syncNewsText(news(0, 0, 0, [{ file: "f", reason, replaced: false }]))),
      ...typing.map((reason) => copiedInsteadText({ reason, message: "ENGLISH", position: 1, character: "digit", partlyTyped: false })),
    ];
    applyLanguage("en");
    const english = said().map((text, i) => (i < reasons.length ? text : text.replace("ENGLISH", "")));
    applyLanguage(language);
    const translated = said();
    expect(new Set(translated).size).toBe(translated.length);
    expect(translated.filter((text, i) => text === english[i] || text.includes("ENGLISH"))).toEqual([]);
  });
});

describe("QR codes of an export", () => {
  const code = { token: "t", index: 0, count: 3, label: "Batch 1 of 3", svg: "", leftOut: [] };
  const left = { account: "GitHub (octocat)", limit: "period" as const, value: 60, message: "GitHub (octocat): English" };

  it("caption the batch and say why an account is left out, in German and Arabic", () => {
    expect(qrLabel(code, "migration")).toBe("Batch 1 of 3");
    expect(leftOutText(left)).toBe("GitHub (octocat): English");
    expect(qrLabel({ ...code, label: "GitHub (octocat)" }, "account")).toBe("GitHub (octocat)");
    applyLanguage("de");
    expect(qrLabel(code, "migration")).toBe("Teil 1 von 3");
    expect(leftOutText(left)).toBe(`${iso("GitHub (octocat)")}: Google Authenticator kennt nur einen Zeitraum von 30 s, nicht 60 s`);
    expect(leftOutText({ ...left, limit: "steam", value: null })).toBe(`${iso("GitHub (octocat)")}: Google Authenticator kann keine Steam-Konten aufnehmen`);
    applyLanguage("ar");
    expect(qrLabel({ ...code, index: 10, count: 100 }, "migration")).toBe(`الدفعة ${ar(11)} من ${ar(100)}`);
    expect(leftOutText({ ...left, limit: "digits", value: 7 })).toBe(
      `${iso("GitHub (octocat)")}: لا يدعم Google Authenticator إلا ${ar(6)} أو ${ar(8)} أرقام، لا ${ar(7)}`,
    );
  });
});

describe("every error kind the shell sends", () => {
  // Every `CommandError::new("kind", …)` in src-tauri: a kind the catalogs lack would reach a
  // German or Arabic window as Rust's English sentence.
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".rs") ? [join(dir, entry.name)] : [],
    );
  const sent = new Set(
    sources(join(__dirname, "..", "..", "..", "..", "src-tauri", "src")).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/CommandError::new\(\s*"([a-z_]+)"/g)].map((match) => match[1] ?? ""),
    ),
  );
  // And every kind a crate's error has (`pub fn kind`): vault, backup files, security keys.
  for (const file of ["crates/vault/src/error.rs", "crates/backup/src/error.rs", "crates/fido/src/advice.rs"]) {
    const text = readFileSync(join(__dirname, "..", "..", "..", "..", file), "utf8");
    for (const body of text.matchAll(/pub fn kind\(&self\) -> &'static str \{([\s\S]*?)\n {4}\}\n/g)) {
      for (const kind of (body[1] ?? "").matchAll(/"([a-z_]+)"/g)) sent.add(kind[1] ?? "");
    }
  }
  // Kinds no person can meet: a request only a broken window sends.
  const unreachable = new Set(["bad_request"]);

  it("finds the kinds it checks", () => {
    expect(sent.size).toBeGreaterThan(70);
    expect(sent).toContain("shortcut_taken");
    expect(sent).toContain("newer_slots");
  });

  it.each(["de", "ar"] as const)("%s words every one of them", (language) => {
    const missing = [...sent].filter((kind) => !unreachable.has(kind) && !(kind in catalogs[language].errors));
    expect(missing).toEqual([]);
  });

  it("says the shortcut, vault and backup-code errors with their details", () => {
    applyLanguage("de");
    expect(errorText({ kind: "shortcut_taken", message: "x", args: { name: "Ctrl+Alt+K" } })).toBe(
      "Ctrl+Alt+K ist von einem anderen Programm belegt: Wählen Sie ein anderes.",
    );
    expect(errorText({ kind: "invalid_backup_codes", message: "x", args: { problem: "length", number: 3, count: 70 } })).toBe(
      "Zeile 3 ist kein Backup-Code: Sie hat 70 Buchstaben und Ziffern; ein Backup-Code hat 6 bis 64.",
    );
    expect(errorText({ kind: "vault_not_found", message: "x", args: { path: "/mnt/usb", osError: "not_found" } })).toContain(
      "In /mnt/usb konnte kein Tresor gelesen werden",
    );
    applyLanguage("ar");
    expect(errorText({ kind: "invalid_shortcut", message: "x", args: { name: "Ctrl+" } })).toBe(
      `«${iso("Ctrl+")}» ليس اختصار لوحة مفاتيح: اكتبه بالشكل Ctrl+Alt+K.`,
    );
    expect(errorText({ kind: "invalid_backup_codes", message: "x", args: { problem: "character", number: 2 } })).toBe(
      `السطر ${ar(2)} ليس رمز احتياط: فيه حرف غير الحروف والأرقام و«-» والمسافات.`,
    );
  });
});
