import { t } from "./i18n";

/** The setup-key form's instant checks. Rust (crates/otp `Secret::from_base32`) has the final
 *  word when the form is sent; these mirror its rules and wording so the field can say what is
 *  wrong while the person types, without sending the key on every keystroke. */

/** The form's fields that an error can point at. */
export type SetupKeyField = "issuer" | "secret" | "digits" | "period";

/** What is wrong with `text` as a base32 secret, or null. With `finished` false (still typing),
 *  only a bad character is reported: an empty or one-character key is just not finished yet. */
export function secretProblem(text: string, finished: boolean): string | null {
  let length = 0;
  let position = 0;
  // Positions count characters as Rust's `chars()` does (code points), from 1.
  for (const character of text) {
    position += 1;
    if (" \t-=".includes(character)) continue;
    if (!/^[A-Za-z2-7]$/.test(character)) {
      return t().setupKey.notBase32(character, position);
    }
    length += 1;
  }
  if (!finished) return null;
  if (length === 0) return t().setupKey.empty;
  if (length === 1) return t().setupKey.tooShort;
  return null;
}

/** The field a command error's kind points at (`invalid_secret` is the secret field); null for
 *  errors about no field in particular. */
export function fieldOfError(kind: string): SetupKeyField | null {
  switch (kind) {
    case "invalid_issuer":
      return "issuer";
    case "invalid_secret":
      return "secret";
    case "invalid_digits":
      return "digits";
    case "invalid_period":
      return "period";
    default:
      return null;
  }
}

/** A number field's value as a whole number from 0 to `max`, as the command's integer fields
 *  take it: an emptied field (null) or a fraction's junk is 0 or truncated, a huge one is `max`
 *  (Rust then says what range it accepts). */
export function wholeNumber(value: number | null, max: number): number {
  const whole = Math.trunc(value ?? 0);
  if (!Number.isFinite(whole) || whole < 0) return 0;
  return Math.min(whole, max);
}
