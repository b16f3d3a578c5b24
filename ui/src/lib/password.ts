/** Checks on a new password, as a sentence for the person, or null when it is fine. */
export function passwordProblem(password: string, confirm: string): string | null {
  if (password.length === 0) return "Choose a password.";
  if (password.length < 8) return "Use at least 8 characters.";
  if (password !== confirm) return "The two passwords are not the same.";
  return null;
}
