//! The arithmetic of a list that renders only the rows in view (VirtualList.svelte): which
//! rows a scroll position shows, where to scroll to bring a row into view, where the keys
//! move focus, which pages of a lazily loaded list to ask for and which to forget. Pure, so
//! it is tested without a layout engine (jsdom has none).

/** Rows `start` (inclusive) to `end` (exclusive), by absolute index. */
export interface RowRange {
  start: number;
  end: number;
}

/**
 * The rows a viewport of `viewport` px shows at `scrollTop` (both measured over the rows,
 * the sticky header already taken off), widened by `overscan` rows each side so a fast
 * scroll does not show blank space before the next frame renders.
 */
export function visibleRange(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewport: number,
  overscan: number,
): RowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.min(count - 1, Math.floor(top / rowHeight));
  const last = Math.min(count, Math.ceil((top + Math.max(0, viewport)) / rowHeight));
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(count, Math.max(last, first + 1) + overscan),
  };
}

/**
 * The scrollTop (over the rows) that shows row `index` whole, moving as little as possible:
 * unchanged if it is already in view, otherwise the row lands at the top or the bottom edge.
 */
export function revealScrollTop(index: number, rowHeight: number, scrollTop: number, viewport: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport);
  return scrollTop;
}

/** How many rows PageUp/PageDown move: a screenful less one, so the row stays in context. */
export function pageRows(viewport: number, rowHeight: number): number {
  if (rowHeight <= 0) return 1;
  return Math.max(1, Math.floor(viewport / rowHeight) - 1);
}

/** Where a navigation key moves focus from `current`, or null for any other key. */
export function keyTarget(key: string, current: number, count: number, perPage: number): number | null {
  if (count <= 0) return null;
  const clamp = (i: number) => Math.min(count - 1, Math.max(0, i));
  switch (key) {
    case "ArrowDown":
      return clamp(current + 1);
    case "ArrowUp":
      return clamp(current - 1);
    case "PageDown":
      return clamp(current + perPage);
    case "PageUp":
      return clamp(current - perPage);
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

/** The pages (of `pageSize` rows) that hold any row of `range`. */
export function pagesOf(range: RowRange, pageSize: number): number[] {
  if (range.end <= range.start || pageSize <= 0) return [];
  const first = Math.floor(range.start / pageSize);
  const last = Math.floor((range.end - 1) / pageSize);
  const pages: number[] = [];
  for (let p = first; p <= last; p++) pages.push(p);
  return pages;
}

/**
 * Of the pages held, those to forget: farther than `keep` pages from any page `range`
 * needs. Memory then stays bounded by the window, whatever was scrolled past.
 */
export function pagesToDrop(held: Iterable<number>, range: RowRange, pageSize: number, keep: number): number[] {
  const needed = pagesOf(range, pageSize);
  if (needed.length === 0) return [...held];
  const low = needed[0]! - keep;
  const high = needed[needed.length - 1]! + keep;
  return [...held].filter((p) => p < low || p > high);
}
