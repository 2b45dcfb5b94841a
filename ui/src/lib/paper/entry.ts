//! One staff member's entry of a paper 评分表, as the keying form holds it, and the text the
//! core reads (docs/formats.md, "Keyed paper sheets"): one line per row code, in sheet
//! order, so the core's "第 n 行" is the n-th row of the form. Nothing here checks a mark:
//! the core holds every entry to the rubric and compares the two.

import type { Mismatch, PaperSheet, SheetSection } from "$lib/ipc/types";

/** The recusal reasons as the line format spells them. */
export const REASONS = ["其他", "亲属", "师生", "同单位"] as const;
export type Reason = (typeof REASONS)[number];

export const VOTES = ["同意", "不同意", "弃权"] as const;

export interface RowEntry {
  code: string;
  /** One per criterion (criteria), or the one vote / grade, as typed. */
  values: string[];
  recused: boolean;
  reason: Reason;
  /** The comment (评语), or the recusal's note when recused. */
  comment: string;
}

/** How many values a row of `section` has. */
export function valueCount(section: SheetSection): number {
  return section.category.scoring_mode === "criteria" ? section.category.rubric.criteria.length : 1;
}

/** What the core calls each value cell of `section` in a mismatch. */
export function fieldsOf(section: SheetSection): string[] {
  switch (section.category.scoring_mode) {
    case "criteria":
      return section.category.rubric.criteria.map((c) => c.name_zh);
    case "vote":
      return ["表决"];
    case "grade":
      return ["等级"];
  }
}

export function blankEntry(sheet: PaperSheet): RowEntry[] {
  return sheet.sections.flatMap((section) =>
    section.rows.map((row) => ({
      code: row.code,
      values: Array.from({ length: valueCount(section) }, () => ""),
      recused: false,
      reason: "其他" as Reason,
      comment: "",
    })),
  );
}

const SEPARATORS = /[,，\t]/;
const oneLine = (text: string) => text.replace(/[\r\n]+/g, " ").trim();

/** Row codes with a value holding a field separator: it would be read as two cells. */
export function separatorCells(rows: RowEntry[]): string[] {
  return rows.filter((r) => !r.recused && r.values.some((v) => SEPARATORS.test(v))).map((r) => r.code);
}

/** The entry as the core reads it. */
export function entryText(sheet: PaperSheet, rows: RowEntry[]): string {
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const lines: string[] = [];
  for (const section of sheet.sections) {
    for (const row of section.rows) {
      const entry = byCode.get(row.code);
      if (!entry) continue;
      const cells = entry.recused
        ? [row.code, "回避", entry.reason, oneLine(entry.comment)]
        : [row.code, ...entry.values.map((v) => v.trim()), oneLine(entry.comment)];
      lines.push(cells.join(","));
    }
  }
  return lines.join("\n");
}

/** The mismatch of cell `field` on row `code`, if the two entries differ there. */
export function mismatchFor(mismatches: Mismatch[], code: string, field: string): Mismatch | undefined {
  return mismatches.find((m) => m.code === code && m.field === field);
}
