/** The toast: one short message at a time at the bottom of the window, which goes by itself.
 *  Pages say things through it; Toast.svelte shows it. */

/** A message and, maybe, one thing to do about it ("Undo"). */
export interface ToastMessage {
  message: string;
  action?: { label: string; run: () => void };
}

/** How long a toast stays: longer when it offers an action, so there is time to take it. */
const PLAIN_MS = 4000;
const WITH_ACTION_MS = 8000;

let current: ToastMessage | null = $state(null);
let timer: ReturnType<typeof setTimeout> | undefined;

/** The toast on screen, and the two ways to change it. */
export const toast = {
  /** The message shown now, or null. */
  get current(): ToastMessage | null {
    return current;
  },
  /** Shows `message` in place of any other, with an optional `action`, for a few seconds. */
  say(message: string, action?: ToastMessage["action"]): void {
    current = { message, action };
    clearTimeout(timer);
    timer = setTimeout(() => (current = null), action ? WITH_ACTION_MS : PLAIN_MS);
  },
  /** Hides the toast now. */
  dismiss(): void {
    current = null;
    clearTimeout(timer);
  },
};
