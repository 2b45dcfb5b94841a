//! Test support: answers `nomination_page` from nominations held in memory, as the core
//! pages them (review order, one category or all, every word present, numbered from 1).

import type { CommandArgs } from "$lib/ipc/mock";
import type { Nomination, NominationPage, NominationQuery } from "$lib/ipc/types";

export function pageOf(nominations: readonly Nomination[], args: CommandArgs): NominationPage {
  const query = args.query as NominationQuery;
  const offset = args.offset as number;
  const limit = args.limit as number;
  const words = query.text.toLowerCase().split(/\s+/).filter((w) => w !== "");
  const text = (n: Nomination) =>
    [n.display_name, n.university, ...n.fields.map((f) => f.value), ...n.materials].join("\n").toLowerCase();
  const rows = nominations
    .map((nomination, i) => ({ position: i + 1, nomination }))
    .filter(({ nomination: n }) => !query.category_key || n.category_key === query.category_key)
    .filter(({ nomination: n }) => words.every((w) => text(n).includes(w)));
  return { matched: rows.length, total: nominations.length, offset, rows: rows.slice(offset, offset + limit) };
}
