/**
 * A once-a-second clock for countdowns. Codes and rings change in whole seconds, so the page
 * wakes once a second, just after each second starts, and not at all while it is hidden
 * (minimised, unmapped or in the tray): an idle window then costs next to no CPU.
 */

/** What the clock needs of the page: its visibility and a way to hear when it changes. */
export interface Visibility {
  readonly hidden: boolean;
  addEventListener(type: "visibilitychange", listener: () => void): void;
  removeEventListener(type: "visibilitychange", listener: () => void): void;
}

/** How long after a second starts the tick comes, so a code that expires on it has expired. */
const AFTER_BOUNDARY_MS = 15;

/** Milliseconds from `nowMs` until just after the next whole second. */
export function untilNextSecond(nowMs: number): number {
  const into = ((nowMs % 1000) + 1000) % 1000;
  return 1000 - into + AFTER_BOUNDARY_MS;
}

/**
 * Calls `onTick` with the time `nowMs()` (which may be offset from the page's clock, e.g. to
 * follow the backend's) just after each of its whole seconds, and at once when the page becomes
 * visible again. Never while the page is hidden. Returns a function that stops it.
 */
export function everySecond(
  onTick: (nowMs: number) => void,
  nowMs: () => number = Date.now,
  page: Visibility = document,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (page.hidden) return;
    timer = setTimeout(() => {
      onTick(nowMs());
      schedule();
    }, untilNextSecond(nowMs()));
  };
  const visibilityChanged = () => {
    if (!page.hidden) onTick(nowMs());
    schedule();
  };
  page.addEventListener("visibilitychange", visibilityChanged);
  schedule();
  return () => {
    clearTimeout(timer);
    page.removeEventListener("visibilitychange", visibilityChanged);
  };
}
