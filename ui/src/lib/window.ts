/** Which rows of a long list to render: only those near the viewport (virtual scrolling). */

/** The slice of rows to render and the space to reserve above and below it. */
export interface RowWindow {
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
}

/**
 * The rows visible in a viewport `viewport` px tall scrolled `scrollTop` px into a list of
 * `count` rows of `rowHeight` px, plus `overscan` rows either side so fast scrolling shows no gap.
 */
export function rowWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewport: number,
  overscan = 8,
): RowWindow {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count - 1, first - overscan));
  const end = Math.min(count, first + visible + overscan);
  return {
    start,
    end,
    padTop: start * rowHeight,
    padBottom: (count - end) * rowHeight,
  };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollToShow(
  index: number,
  rowHeight: number,
  scrollTop: number,
  viewport: number,
  offset = 0,
): number | null {
  const top = offset + index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return bottom - viewport;
  return null;
}

/**
 * The rows of a list of `count` to render: every one below `virtualFrom` rows (simpler for
 * assistive technology), else only those near the viewport (see `rowWindow`).
 */
export function renderedRows(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewport: number,
  virtualFrom: number,
): RowWindow {
  return count >= virtualFrom
    ? rowWindow(count, rowHeight, scrollTop, viewport)
    : { start: 0, end: count, padTop: 0, padBottom: 0 };
}
