// Helpers shared by the page checks (contrast.js, layout.js): each is run through WebDriver
// with this file in front of it (tests/src/app.rs).

/** The element as a failure names it: tag, id, classes and the start of its name. */
function describe(element) {
  const name =
    element.getAttribute("aria-label") ||
    element.textContent.trim().slice(0, 40) ||
    element.getAttribute("placeholder") ||
    "";
  const id = element.id ? `#${element.id}` : "";
  const classes = element.classList.length
    ? `.${[...element.classList].filter((c) => !c.startsWith("svelte-")).join(".")}`
    : "";
  return `${element.tagName.toLowerCase()}${id}${classes} "${name}"`;
}

/** The opacity the element is drawn with (its own and its ancestors'). */
function opacityOf(element) {
  let opacity = 1;
  for (let e = element; e; e = e.parentElement) opacity *= +getComputedStyle(e).opacity;
  return opacity;
}

/** Whether the element is drawn at all: it has boxes, is not hidden, transparent or inside a
 *  closed <details> (WebKit gives what one hides boxes still), and is not Tauri's isolation
 *  frame. */
function drawn(element) {
  if (!element.getClientRects().length) return false;
  const details = element.closest("details:not([open])");
  if (details && !element.closest("summary")) return false;
  const style = getComputedStyle(element);
  if (style.visibility !== "visible" || opacityOf(element) < 0.05) return false;
  return !element.closest("#__tauri_isolation__");
}
