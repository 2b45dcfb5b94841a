//! What the three score cells (points, vote or grade, comment) share: where they stand, and
//! the attributes the grid's arrow keys and the cell's status line rely on, which must read
//! the same on every kind of entry.

import type { CellField, ScoringSession, ShownState } from "./scoringSession.svelte";

export interface EntryCellProps {
  session: ScoringSession;
  nominationId: number;
  /** The nominee's name, for the cell's accessible label. */
  nominee: string;
  place: "grid" | "candidate";
  /** The cell's place in the grid, for the arrow keys; absent in the candidate panel. */
  row?: number;
  col?: number;
  disabled?: boolean;
}

/** A nomination shows in the grid and the candidate panel at once: the place keeps the ids apart. */
export function statusIdOf(entry: Pick<EntryCellProps, "place" | "nominationId">, field: string): string {
  return `status-${entry.place}-${entry.nominationId}-${field}`;
}

/**
 * Enter saves and Escape takes back what was typed. The arrows move between rows, so on a
 * number or a list they must never change the value unnoticed.
 */
export function entryKeydown(event: KeyboardEvent, entry: EntryCellProps, field: CellField): void {
  if (event.key === "Enter") {
    event.preventDefault();
    void entry.session.commit(entry.nominationId, field);
  } else if (event.key === "Escape") {
    entry.session.discard(entry.nominationId, field);
  } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
    event.preventDefault();
  }
}

export function entryAttributes(entry: EntryCellProps, shown: ShownState, statusId: string) {
  return {
    disabled: entry.disabled ?? false,
    "data-nomination": entry.nominationId,
    "data-state": shown,
    "data-grid-row": entry.row,
    "data-grid-col": entry.col,
    "aria-invalid": shown === "error",
    "aria-describedby": shown === "error" ? `${statusId} ${statusId}-error` : statusId,
  };
}
