//! Spreadsheet keys in the scoring grid. Cells carry `data-grid-row` (the row's position in
//! the category) and `data-grid-col`; Tab and Shift+Tab are left to the browser within the
//! rows in the DOM (ScoreGrid.svelte takes them on past the last or first of those).

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

/**
 * The nearest row from `from` in `direction` whose cell can take the focus (`scorable`: not
 * recused, not locked), or `null` at the edge. Found in the data, not the DOM: the grid keeps
 * only the rows in view in the DOM, and the next scorable row may be far beyond them.
 */
export function nextRow(from: number, direction: Direction, count: number, scorable: (row: number) => boolean): number | null {
  for (let row = from + direction; row >= 0 && row < count; row += direction) {
    if (scorable(row)) return row;
  }
  return null;
}

/**
 * Scrolls the grid cell holding `control` fully into view: its whole row height below the
 * sticky header, its column right of the sticky nominee column. The cell's scroll margins
 * (ScoreGrid.svelte) carry the header's height and the sticky columns' width; "nearest"
 * leaves a cell already in view alone.
 */
export function reveal(control: HTMLElement): void {
  const cell = control.closest('[role="cell"], [role="rowheader"]');
  cell?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
}
