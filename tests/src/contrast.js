// Contrast of what a person must see, measured in the page as it is drawn now: run through
// WebDriver (after page.js) by App::contrast_problems and App::focus_problems.
// arguments[0]: { mode: "controls" | "focus", boundaries: bool, disabled: bool }
// Returns a list of problems: { element, check, ratio, needed, colours }.
const options = arguments[0];

/** [r, g, b, a] (0-255, alpha 0-1) from a computed colour. */
function parse(colour) {
  let m = colour.match(/^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/);
  if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
  m = colour.match(/^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)$/);
  if (m) return [m[1] * 255, m[2] * 255, m[3] * 255, m[4] === undefined ? 1 : +m[4]];
  if (colour === "transparent") return [0, 0, 0, 0];
  throw new Error(`unknown colour ${colour}`);
}

/** `top` drawn over the opaque `bottom`. */
function over(top, bottom) {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
}

function luminance([r, g, b]) {
  const f = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

function ratio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The opaque colour behind `element`'s content: its background over its ancestors'. */
function backgroundOf(element) {
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const colour = parse(getComputedStyle(e).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
    // A modal dialog sits on its own backdrop, not on the page behind it.
    if (e.tagName === "DIALOG" && e.open) break;
  }
  let result = [255, 255, 255, 1];
  const canvas = parse(getComputedStyle(document.documentElement).backgroundColor);
  if (canvas[3] >= 1 && (layers.length === 0 || layers[layers.length - 1][3] < 1)) result = canvas;
  for (const layer of layers.reverse()) result = over(layer, result);
  return result;
}

/** Drawn and not hidden from assistive technology (decoration). */
function visible(element) {
  return drawn(element) && !element.closest("[aria-hidden=true]");
}

const problems = [];
function need(element, check, fg, bg, needed) {
  const r = ratio(fg, bg);
  if (r + 1e-6 < needed) {
    problems.push({
      element: describe(element),
      check,
      ratio: Math.round(r * 100) / 100,
      needed,
      colours: `${fg.slice(0, 3).map(Math.round)} on ${bg.slice(0, 3).map(Math.round)}`,
    });
  }
}

/** Checks the text, icon and (if asked) boundary of one control. */
function checkControl(element) {
  const style = getComputedStyle(element);
  const around = backgroundOf(element.parentElement || element);
  const own = backgroundOf(element);
  const disabled = element.disabled === true || element.getAttribute("aria-disabled") === "true";
  const native = element.tagName === "INPUT" && ["checkbox", "radio", "range", "color"].includes(element.type);
  if (disabled && !options.disabled) return;
  const opacity = opacityOf(element);
  const isField = element.tagName === "INPUT" || element.tagName === "TEXTAREA" || element.tagName === "SELECT";
  // Every piece of text the control shows, each in its own colour (a muted second line too).
  const texts = isField
    ? (element.value || element.placeholder || element.tagName === "SELECT" ? [element] : [])
    : [element, ...element.querySelectorAll("*")].filter(
        (e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && visible(e),
      );
  if (!native) {
    for (const holder of texts) {
      const colour = parse(getComputedStyle(holder).color);
      const behind = backgroundOf(holder);
      const drawn = over([colour[0], colour[1], colour[2], colour[3] * opacityOf(holder)], behind);
      need(holder, disabled ? "disabled text" : "text", drawn, behind, disabled ? 3 : 4.5);
    }
    if (texts.length === 0 && element.querySelector("svg")) {
      const colour = parse(style.color);
      need(element, "icon", over([colour[0], colour[1], colour[2], colour[3] * opacity], own), own, 3);
    }
  }
  if (!options.boundaries || native) return;
  const borderWidth = parseFloat(style.borderTopWidth);
  const border = parse(style.borderTopColor);
  // A transparent border (kept so a chosen state does not move the layout) is no boundary.
  if (style.borderTopStyle !== "none" && borderWidth > 0 && border[3] > 0) {
    need(element, "boundary (border)", over([border[0], border[1], border[2], border[3] * opacity], around), around, 3);
  } else if (ratio(own, around) > 1.05) {
    // A fill that differs from what is around must stand out, unless a ring drawn as a box
    // shadow (a chosen tab, the current page) does.
    const ring = shadowColour(style);
    if (ring) need(element, "boundary (ring)", over(ring, around), around, 3);
    else need(element, "boundary (fill)", own, around, 3);
  }
}

/** The first colour of a box shadow, or null. */
function shadowColour(style) {
  const colour = style.boxShadow !== "none" && style.boxShadow.match(/rgba?\([^)]*\)|color\([^)]*\)/);
  return colour ? parse(colour[0]) : null;
}

/** The focused element's indicator: an outline or a box shadow, at 3:1 against what is around,
 *  on the element or on a wrapper that draws it for what is inside (a search field's box). */
function checkFocus(element) {
  for (let e = element, depth = 0; e && depth < 3; e = e.parentElement, depth++) {
    const style = getComputedStyle(e);
    const around = backgroundOf(e.parentElement || e);
    if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1) {
      need(element, "focus outline", over(parse(style.outlineColor), around), around, 3);
      return;
    }
    const ring = shadowColour(style);
    if (ring) {
      need(element, "focus shadow", over(ring, around), around, 3);
      return;
    }
  }
  problems.push({ element: describe(element), check: "focus indicator", ratio: 0, needed: 3, colours: "no outline, no shadow" });
}

if (options.mode === "focus") {
  const element = document.activeElement;
  if (element && element !== document.body) checkFocus(element);
  return problems;
}
const controls = document.querySelectorAll(
  "button, input:not([type=hidden]), select, textarea, a[href], [role=tab], [tabindex]:not([tabindex='-1'])",
);
for (const element of controls) if (visible(element)) checkControl(element);
return problems;
