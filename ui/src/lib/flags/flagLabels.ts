//! Human labels for the flag kinds and statuses the core sends as codes. An unknown code is
//! shown as it came, so nothing is hidden.

import type { MessageKey } from "$lib/i18n/messages";

const KIND_LABELS = new Map<string, MessageKey>(Object.entries({
  probationary_member: "flags.kind.probationary_member",
  part_time_student: "flags.kind.part_time_student",
  branch_too_young: "flags.kind.branch_too_young",
  not_dual_leader: "flags.kind.not_dual_leader",
  not_school_model_branch: "flags.kind.not_school_model_branch",
  duplicate: "flags.kind.duplicate",
  honoured_before: "flags.kind.honoured_before",
  invalid_fields: "flags.kind.invalid_fields",
  over_allowance: "flags.kind.over_allowance",
  material_not_allowed: "flags.kind.material_not_allowed",
  missing_material: "flags.kind.missing_material",
  withdrawn: "flags.kind.withdrawn",
} satisfies Record<string, MessageKey>));

const STATUS_LABELS = new Map<string, MessageKey>(Object.entries({
  open: "flags.status.open",
  accepted: "flags.status.accepted",
  excluded: "flags.status.excluded",
} satisfies Record<string, MessageKey>));

export function kindLabel(kind: string): MessageKey | null {
  return KIND_LABELS.get(kind) ?? null;
}

export function statusLabel(status: string): MessageKey | null {
  return STATUS_LABELS.get(status) ?? null;
}
