//! Which of an activity's fields the nominations table shows as columns. Presentation
//! only: every field is still in the detail panel, and nothing is decided from these.

import type { Activity, FieldValue, Nomination } from "$lib/ipc/types";

/** At most three field keys per activity, besides name, university and category. */
export const KEY_FIELDS: Record<Activity, readonly string[]> = {
  model_university: ["party_secretary", "contact_name"],
  benchmark_department: ["party_secretary", "n_members"],
  model_branch: ["department", "branch_type", "branch_secretary"],
  dual_leader_studio: ["department", "branch_secretary", "professional_title"],
  student_exemplar: ["department", "major", "education_level"],
  innovation_case: ["case_level", "united_front"],
};

export type FieldColumn = Pick<FieldValue, "key" | "label_zh" | "label_en">;

/** The key-field columns that the nominations actually carry, labelled as the core labels them. */
export function keyFieldColumns(activity: Activity, nominations: readonly Nomination[]): FieldColumn[] {
  const columns: FieldColumn[] = [];
  for (const key of KEY_FIELDS[activity] ?? []) {
    for (const nomination of nominations) {
      const field = nomination.fields.find((f) => f.key === key);
      if (field) {
        columns.push({ key, label_zh: field.label_zh, label_en: field.label_en });
        break;
      }
    }
  }
  return columns.slice(0, 3);
}

export function fieldValue(nomination: Nomination, key: string): string {
  return nomination.fields.find((f) => f.key === key)?.value ?? "";
}
