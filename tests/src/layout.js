// Whether the page as laid out now is usable: run through WebDriver (after page.js) by
// App::layout_problems (tests/src/app.rs). Returns a list of problems: { element, check, detail }.
//   reach:    a control outside the window that no scrolling brings into it (or cut at the side)
//   overflow: text wider than its box (cut off, ellipsised or spilling out)
//   overlap:  two controls drawn over each other
const problems = [];

/** Drawn, not text for screen readers only, and not behind an open modal dialog (nothing
 *  there can be reached). */
function visible(element) {
  if (!drawn(element) || element.closest(".visually-hidden")) return false;
  const dialog = document.querySelector("dialog[open]");
  return !dialog || dialog.contains(element);
}

/** Whether scrolling some ancestor can bring `element` fully into view vertically. */
function scrollable(element) {
  for (let e = element.parentElement; e; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (/(auto|scroll)/.test(style.overflowY) && e.scrollHeight > e.clientHeight + 1) return true;
  }
  return false;
}

const width = window.innerWidth;
const height = window.innerHeight;
const controls = [
  ...document.querySelectorAll("button, input:not([type=hidden]), select, textarea, a[href], [role=tab]"),
].filter(visible);

for (const control of controls) {
  const box = control.getBoundingClientRect();
  if (box.left < -1 || box.right > width + 1) {
    problems.push({ element: describe(control), check: "reach", detail: `x ${Math.round(box.left)}..${Math.round(box.right)} in a ${width} px window` });
  } else if ((box.top < -1 || box.bottom > height + 1) && !scrollable(control)) {
    problems.push({ element: describe(control), check: "reach", detail: `y ${Math.round(box.top)}..${Math.round(box.bottom)} in a ${height} px window, no scrolling` });
  }
}

// Text wider (or taller, for one line) than its box.
const texts = [...document.querySelectorAll("body *")].filter(
  (e) => visible(e) && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()),
);
for (const text of texts) {
  if (text.scrollWidth > text.clientWidth + 1 && getComputedStyle(text).display !== "inline") {
    problems.push({ element: describe(text), check: "overflow", detail: `${text.scrollWidth} px of text in ${text.clientWidth} px` });
  }
}

/** The part of `element` its scrolling or clipping ancestors let through: a control scrolled
 *  out of its list under a header above the list is hidden there, not drawn over the header. */
function shown(element) {
  const box = element.getBoundingClientRect();
  let { left, top, right, bottom } = box;
  for (let e = element.parentElement; e && e !== document.documentElement; e = e.parentElement) {
    if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(e).overflowY)) {
      const clip = e.getBoundingClientRect();
      left = Math.max(left, clip.left);
      top = Math.max(top, clip.top);
      right = Math.min(right, clip.right);
      bottom = Math.min(bottom, clip.bottom);
    }
  }
  return { left, top, right, bottom };
}

// Controls (and headings) drawn over each other (one inside the other is fine: a button in a
// label).
const boxes = [...controls, ...[...document.querySelectorAll("h1, h2, h3")].filter(visible)];
for (let i = 0; i < boxes.length; i++) {
  for (let j = i + 1; j < boxes.length; j++) {
    const [a, b] = [boxes[i], boxes[j]];
    if (a.contains(b) || b.contains(a)) continue;
    const p = shown(a);
    const q = shown(b);
    const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
    const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
    if (x > 2 && y > 2) {
      problems.push({ element: `${describe(a)} and ${describe(b)}`, check: "overlap", detail: `${Math.round(x)}x${Math.round(y)} px` });
    }
  }
}
return problems;
