//! Narrowing the flags list the core sent: by status, kind and university. This only
//! chooses what the page shows; settling (and what may be settled) is the core's.

import type { StoredFlag } from "$lib/ipc/types";

/** `settled`: kept or excluded. */
export type StatusFilter = "open" | "settled" | "all";

export interface FlagFilter {
  status: StatusFilter;
  /** A flag kind, or "" for every kind. */
  kind: string;
  /** A university as the flag names it, or `null` for every university ("" is a row with none). */
  university: string | null;
}

export const NO_FILTER: FlagFilter = { status: "open", kind: "", university: null };

export function statusFilter(value: string): StatusFilter {
  return value === "settled" || value === "all" ? value : "open";
}

function statusPasses(flag: StoredFlag, status: StatusFilter, keep: ReadonlySet<number>): boolean {
  switch (status) {
    case "all":
      return true;
    case "open":
      // A flag settled while open flags are shown stays, so the clerk sees the outcome.
      return flag.status === "open" || keep.has(flag.id);
    case "settled":
      return flag.status !== "open";
  }
}

/** The flags that pass, in the order given. `keep`: flags settled in this view. */
export function filterFlags(
  flags: readonly StoredFlag[],
  filter: FlagFilter,
  keep: ReadonlySet<number> = new Set(),
): StoredFlag[] {
  return flags.filter(
    (f) =>
      statusPasses(f, filter.status, keep) &&
      (filter.kind === "" || f.kind === filter.kind) &&
      (filter.university === null || f.university === filter.university),
  );
}

function distinct(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** The kinds present, in the order they first appear. */
export function kindsOf(flags: readonly StoredFlag[]): string[] {
  return distinct(flags.map((f) => f.kind));
}

/** The universities present, in the order the core listed them (by university). */
export function universitiesOf(flags: readonly StoredFlag[]): string[] {
  return distinct(flags.map((f) => f.university));
}

/** The ids of the shown flags that can be chosen for settling: the open ones. */
export function selectable(shown: readonly StoredFlag[]): number[] {
  return shown.filter((f) => f.status === "open").map((f) => f.id);
}

/** What a selection settles: only what is shown and still open, in the shown order. */
export function chosen(shown: readonly StoredFlag[], selected: ReadonlySet<number>): number[] {
  return selectable(shown).filter((id) => selected.has(id));
}
