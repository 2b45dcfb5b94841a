//! Narrowing the nominations list by category and free text. Matches what is shown
//! (already masked by the core), so a search never reveals personal data.

import type { Nomination } from "$lib/ipc/types";

export interface NominationFilter {
  /** A category key, or "" for every category. */
  categoryKey: string;
  query: string;
}

/** Folds full-width characters (ＡＢＣ１２３) and case, as clerks type both. */
export function normaliseForSearch(text: string): string {
  return text.normalize("NFKC").toLowerCase().trim();
}

// Built once per nomination, not once per keystroke: a province has thousands.
const haystacks = new WeakMap<Nomination, string>();

function haystack(nomination: Nomination): string {
  const cached = haystacks.get(nomination);
  if (cached !== undefined) return cached;
  const text = normaliseForSearch(
    [
      nomination.display_name,
      nomination.university,
      ...nomination.fields.map((f) => f.value),
      ...nomination.extra_fields.map((f) => f.value),
      ...nomination.materials,
    ].join("\n"),
  );
  haystacks.set(nomination, text);
  return text;
}

/** The nominations that pass the filter, in the order given. Every word must match. */
export function filterNominations(
  nominations: readonly Nomination[],
  filter: NominationFilter,
): Nomination[] {
  const words = normaliseForSearch(filter.query).split(/\s+/).filter((w) => w !== "");
  return nominations.filter(
    (n) =>
      (filter.categoryKey === "" || n.category_key === filter.categoryKey) &&
      (words.length === 0 || words.every((w) => haystack(n).includes(w))),
  );
}
