/** The security-key and keyring words Rust sends as codes (issue #18): each in German and
 *  Arabic, with Arabic's plural forms for counts. */
import { afterEach, describe, expect, it } from "vitest";
import { applyLanguage, catalogs, errorText, keyringCause, keyringCauseSentence } from ".";
import type { CheckView, KeySummary } from "../keys-api";
import { checkText, keyDetail, keyName, sampleText } from "../keys-format";
import { formatNumber } from "./format";

/** A number as Arabic writes it here (ICU's digits for "ar"). */
const ar = (value: number) => formatNumber("ar", value);

afterEach(() => applyLanguage("en"));

const error = (kind: string, args: Record<string, unknown> = {}) => ({ kind, message: `English ${kind}`, args });
const check = (code: string | undefined, args: Record<string, string> = {}): CheckView => ({
  name: "es256/registration/x",
  outcome: "pass",
  reason: "English reason",
  code,
  args,
});

describe("security-key errors", () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ["pin_policy", { problem: "too_short", limit: 6 }, "mindestens 6 Zeichen", `${ar(6)} محارف`],
    ["pin_policy", { problem: "too_long", limit: 63 }, "höchstens 63 Bytes", `${ar(63)} بايت`],
    ["pin_policy", { problem: "key_policy" }, "zu einfach", "بسيط جدًا"],
    ["pin_blocked", {}, "gesperrt", "محظور"],
    ["access_denied", { problem: "udev" }, "70-countersign-fido.rules", "70-countersign-fido.rules"],
    ["access_denied", { problem: "administrator" }, "Administrator", "كمسؤول"],
    ["reset_window", {}, "10 Sekunden", `${ar(10)} ثوانٍ`],
    ["timeout", {}, "nicht rechtzeitig berührt", "لم يُلمس المفتاح"],
    ["timeout", { problem: "unplug" }, "abgezogen", "لم يُنزع"],
    ["timeout", { problem: "replug" }, "wieder angesteckt", "لم يُعَد توصيل"],
    ["key_error", { problem: "credential_excluded" }, "bereits registriert", "مسجّل بالفعل"],
    ["key_error", { problem: "no_credentials" }, "keinen Zugang", "بيانات اعتماد"],
    ["key_error", { problem: "storage_full" }, "Speicher", "ممتلئة"],
    ["key_error", { problem: "unsupported", feature: "passkey_management" }, "unterstützt die Verwaltung von Passkeys nicht", "لا يدعم إدارة مفاتيح المرور"],
    ["key_error", { problem: "ctap", status: "CTAP2_ERR_PIN_AUTH_INVALID (0x33)" }, "antwortete mit CTAP2_ERR_PIN_AUTH_INVALID (0x33)", "CTAP2_ERR_PIN_AUTH_INVALID (0x33)"],
    ["key_error", { problem: "device", detail: "hidapi: gone" }, "nicht erreichbar (hidapi: gone)", "(hidapi: gone)"],
    ["busy", {}, "beschäftigt", "مشغول"],
    ["pin_needed", {}, "PIN des Schlüssels", "رمز PIN"],
    ["not_allowed", {}, "erlaubt", "يسمح"],
    ["invalid_input", { field: "name", problem: "missing" }, "Namen", "اسمًا"],
    ["invalid_input", { field: "name", problem: "too_long", limit: 64 }, "höchstens 64 Bytes", `${ar(64)} بايت`],
    ["invalid_input", { field: "passkey", problem: "invalid" }, "Passkey ist ungültig", "مفتاح المرور هذا غير صالح"],
    ["no_report", {}, "zuerst den Test", "الاختبار أولًا"],
    ["keyring_unavailable", { cause: "no_service" }, "kein Schlüsselbundprogramm", "لا يعمل في هذه الجلسة"],
    ["keyring_unavailable", { cause: "locked" }, "gesperrt", "مقفلة"],
  ];
  it.each(cases)("%s %o in German and Arabic", (kind, args, german, arabic) => {
    applyLanguage("de");
    expect(errorText(error(kind, args))).toContain(german);
    applyLanguage("ar");
    expect(errorText(error(kind, args))).toContain(arabic);
    applyLanguage("en");
    expect(errorText(error(kind, args))).toBe(`English ${kind}`);
  });

  it("counts a PIN's minimum with Arabic's six forms", () => {
    applyLanguage("ar");
    const text = (limit: number) => errorText(error("pin_policy", { problem: "too_short", limit }));
    expect([0, 1, 2, 3, 11, 100].map(text)).toEqual([
      `يتطلب المفتاح رمز PIN من ${ar(0)} محرف على الأقل.`,
      "يتطلب المفتاح رمز PIN من محرف واحد على الأقل.",
      "يتطلب المفتاح رمز PIN من محرفين على الأقل.",
      `يتطلب المفتاح رمز PIN من ${ar(3)} محارف على الأقل.`,
      `يتطلب المفتاح رمز PIN من ${ar(11)} محرفًا على الأقل.`,
      `يتطلب المفتاح رمز PIN من ${ar(100)} محرف على الأقل.`,
    ]);
  });

  it("says why the keyring is unavailable in the window's language", () => {
    applyLanguage("de");
    expect(keyringCause({ cause: "timeout", reason: "English" })).toContain("nicht rechtzeitig");
    expect(keyringCauseSentence({ cause: "refused" })).toBe("Der Schlüsselbund hat den Zugriff verweigert.");
    expect(keyringCause({ cause: null, reason: "what the platform said" })).toBe("what the platform said");
    applyLanguage("ar");
    expect(keyringCause({ cause: "no_keyring" })).toBe(catalogs.ar.keyringCause.no_keyring);
  });
});

describe("the key list and the fingerprint samples", () => {
  const soft: KeySummary = { id: "soft", name: null, manufacturer: null, usb: null, software: true };
  const usb: KeySummary = { id: "/dev/hidraw3", name: "YubiKey 5", manufacturer: "Yubico", usb: "1050:0407", software: false };
  const bare: KeySummary = { id: "/dev/hidraw4", name: null, manufacturer: null, usb: "20a0:42b1", software: false };

  it("names the software key and a key without a name in each language", () => {
    applyLanguage("de");
    expect([keyName(soft), keyDetail(soft)]).toEqual(["Countersign-Softwareschlüssel (OpenSK)", "Testschlüssel im Programm · Testmodus"]);
    expect([keyName(usb), keyDetail(usb)]).toEqual(["YubiKey 5", "Yubico · USB 1050:0407"]);
    expect([keyName(bare), keyDetail(bare)]).toEqual(["FIDO-Sicherheitsschlüssel", "USB 20a0:42b1"]);
    applyLanguage("ar");
    expect([keyName(soft), keyDetail(soft)]).toEqual(["مفتاح Countersign البرمجي (OpenSK)", "مفتاح اختبار داخل البرنامج · وضع الاختبار"]);
    expect(keyName(bare)).toBe("مفتاح أمان FIDO");
  });

  it("names an algorithm Countersign does not know", () => {
    applyLanguage("de");
    expect(catalogs.de.securityKeys.coseAlgorithm(-9)).toBe("COSE-Algorithmus -9");
    expect(catalogs.ar.securityKeys.coseAlgorithm(-9)).toBe("خوارزمية COSE -9");
  });

  it("says what each sample status asks", () => {
    applyLanguage("de");
    expect(sampleText("too_high")).toBe("Zu hoch: Finger etwas nach unten bewegen.");
    expect(sampleText("something new")).toBe("Die Abtastung war nicht verwendbar: erneut versuchen.");
    applyLanguage("ar");
    expect(sampleText("lift_finger")).toBe("ارفع إصبعك بين العيّنات.");
    expect(catalogs.ar.keys.samplesLeft(sampleText("good"), 3)).toContain("عيّنة جيدة.");
  });

  it("has every sample status in every language", () => {
    for (const catalog of Object.values(catalogs)) {
      expect(Object.keys(catalog.securityKeys.samples).sort()).toEqual(Object.keys(catalogs.en.securityKeys.samples).sort());
    }
  });
});

describe("the registration test's lines", () => {
  it("words a line by its code, with its values", () => {
    applyLanguage("de");
    expect(checkText(check("value_wrong", { expected: "https://a.test", found: "https://b.test" }))).toBe(
      "erwartet „https://a.test“, gefunden „https://b.test“",
    );
    expect(checkText(check("rp_id_host", { rp_id: "countersign.test" }))).toBe("„countersign.test“ ist der Host des Ursprungs");
    expect(checkText(check("statement_valid", { format: "packed", type: "self" }))).toBe(
      "gültige packed-Angabe: Selbst-Attestierung (mit dem eigenen Schlüssel des Zugangs signiert)",
    );
    applyLanguage("ar");
    expect(checkText(check("up_set"))).toBe("علامة UP مضبوطة: لُمس المفتاح");
    expect(checkText(check("counter_above", { counter: "12", stored: "11" }))).toBe(`${ar(12)} أكبر من القيمة المخزّنة ${ar(11)}`);
  });

  it("words a key's error inside a line as errorText does", () => {
    applyLanguage("de");
    expect(checkText(check("key_failed", { kind: "timeout", detail: "timed out waiting for the key" }))).toBe(
      "Der Schlüssel wurde nicht rechtzeitig berührt. Versuchen Sie es erneut und berühren Sie den Schlüssel, wenn er blinkt.",
    );
    applyLanguage("en");
    expect(checkText(check("key_failed", { kind: "timeout", detail: "timed out waiting for the key" }))).toBe(
      "timed out waiting for the key",
    );
  });

  it("counts certificates with Arabic's six forms", () => {
    applyLanguage("ar");
    const text = (count: number) => checkText(check("certificates", { count: String(count) })).split("؛")[0];
    expect([0, 1, 2, 3, 11, 100].map(text)).toEqual([
      "لا شهادات",
      "شهادة واحدة",
      "شهادتان",
      `${ar(3)} شهادات`,
      `${ar(11)} شهادةً`,
      `${ar(100)} شهادة`,
    ]);
  });

  it("falls back to Rust's English reason for a line without a code", () => {
    applyLanguage("de");
    expect(checkText(check(undefined))).toBe("English reason");
    expect(checkText(check("a code from a newer Rust"))).toBe("English reason");
  });

  it("has every line in every language", () => {
    for (const catalog of Object.values(catalogs)) {
      expect(Object.keys(catalog.securityKeys.checks).sort()).toEqual(Object.keys(catalogs.en.securityKeys.checks).sort());
    }
  });
});
