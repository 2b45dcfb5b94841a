//! Spreadsheet keys in the scoring grid. Cells carry `data-grid-row` (the row's position in
//! the category) and `data-grid-col`; Tab and Shift+Tab are left to the browser.

export type Direction = 1 | -1;

/** The row a key press in a grid cell moves to, or `null` to leave the key to the control. */
export function gridMove(event: KeyboardEvent): Direction | null {
  const target = event.target;
  if (!(target instanceof HTMLElement) || target.dataset.gridCol === undefined) return null;
  if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return null;
  const text = target instanceof HTMLTextAreaElement ? target : null;
  if (event.key === "Enter") {
    // In a comment, Shift+Enter is a line break; elsewhere it goes up, as in a spreadsheet.
    if (event.shiftKey) return text ? null : -1;
    return 1;
  }
  if (event.key === "ArrowUp" || event.key === "ArrowDown") {
    // A comment keeps the arrows for its own lines until the caret is at its start or end.
    if (text) {
      const atStart = text.selectionStart === 0 && text.selectionEnd === 0;
      const atEnd = text.selectionStart === text.value.length;
      if (event.key === "ArrowUp" && !atStart) return null;
      if (event.key === "ArrowDown" && !atEnd) return null;
    }
    return event.key === "ArrowDown" ? 1 : -1;
  }
  return null;
}

function enabled(element: HTMLElement): boolean {
  return !(element as HTMLInputElement).disabled;
}

/** Focuses the nearest enabled cell of the same column in `direction`; false at the edge. */
export function focusNeighbour(container: HTMLElement, from: HTMLElement, direction: Direction): boolean {
  const row = Number(from.dataset.gridRow);
  const column = from.dataset.gridCol ?? "";
  let best: HTMLElement | null = null;
  let bestRow = direction === 1 ? Infinity : -Infinity;
  for (const cell of container.querySelectorAll<HTMLElement>("[data-grid-col]")) {
    if (cell.dataset.gridCol !== column || !enabled(cell)) continue;
    const r = Number(cell.dataset.gridRow);
    if (direction === 1 ? r > row && r < bestRow : r < row && r > bestRow) {
      best = cell;
      bestRow = r;
    }
  }
  if (!best) return false;
  // The grid brings the row into view itself (`reveal`, on focus), clear of its sticky header.
  best.focus({ preventScroll: true });
  // Typing over a number replaces it, as in a spreadsheet.
  if (best instanceof HTMLInputElement) best.select();
  return true;
}

/**
 * Scrolls the grid cell holding `control` fully into view: its whole row height below the
 * sticky header, its column right of the sticky nominee column. The cell's scroll margins
 * (ScoreGrid.svelte) carry the header's height and the sticky columns' width; "nearest"
 * leaves a cell already in view alone.
 */
export function reveal(control: HTMLElement): void {
  const cell = control.closest("td");
  cell?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
}
