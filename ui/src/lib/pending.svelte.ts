import { messageOf } from "./api";

/** A form's action while it runs and after: `busy` meanwhile (buttons wait), then the error, if
 *  any, shown in place beside the fields. */
export class Pending {
  busy = $state(false);
  error = $state("");

  /** Runs `action` with the error cleared and `busy` set. On failure shows the error's message
   *  after `onerror` (clear a field, refocus) has run, unless it returns false (the screen is
   *  leaving, say). */
  async run(action: () => Promise<void>, onerror?: (error: unknown) => boolean | void): Promise<void> {
    this.busy = true;
    this.error = "";
    try {
      await action();
    } catch (e) {
      if (onerror?.(e) !== false) this.error = messageOf(e);
    } finally {
      this.busy = false;
    }
  }
}
