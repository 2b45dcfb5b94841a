//! A grade category's grades as the screens name them. The core sends a category's own
//! list where it has one; a category (or a result) that carries none has the default list,
//! as docs/formats.md says of packages, whose four keys the string table names. Which
//! grade passes and how grades combine is the core's: nothing here decides either.

import { pick, t } from "$lib/i18n/i18n.svelte";
import type { MessageKey } from "$lib/i18n/messages";
import type { GradeList } from "$lib/ipc/types";

/** The default list's keys, best first, with their names in the string table. */
const DEFAULT_GRADES: readonly { key: string; label: MessageKey }[] = [
  { key: "excellent", label: "grade.excellent" },
  { key: "good", label: "grade.good" },
  { key: "pass", label: "grade.pass" },
  { key: "fail", label: "grade.fail" },
];

export interface GradeChoice {
  /** What the core stores and bundles carry. */
  value: string;
  /** The grade's name in the current language. */
  label: string;
}

/** The grades to choose from, best first, named in the current language. */
export function gradeChoices(grades: GradeList | null | undefined): GradeChoice[] {
  if (grades && grades.length > 0) {
    return grades.map((g) => ({ value: g.key, label: pick(g, "name") }));
  }
  return DEFAULT_GRADES.map((g) => ({ value: g.key, label: t(g.label) }));
}

/** A grade's name on `grades`; its key when the list does not hold it. */
export function gradeName(grades: GradeList | null | undefined, key: string): string {
  return gradeChoices(grades).find((g) => g.value === key)?.label ?? key;
}
