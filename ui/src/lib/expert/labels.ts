//! Human labels for the codes the core uses in scoring: votes, grades, recusal reasons and
//! what an incomplete item lacks. The choices are listed in the order the paper forms use;
//! grades in their list's order, best first.

import { t } from "$lib/i18n/i18n.svelte";
import type { MessageKey } from "$lib/i18n/messages";
import type { GradeList, RecusalReason, ScoreBand, Vote } from "$lib/ipc/types";
import { formatPoints } from "$lib/ui/format";
import { gradeChoices } from "$lib/ui/grades";

export const VOTES: readonly Vote[] = ["agree", "disagree", "abstain"];
export const RECUSAL_REASONS: readonly RecusalReason[] = ["relative", "teacher_student", "same_institution", "other"];

export const VOTE_LABELS: Record<Vote, MessageKey> = {
  agree: "vote.agree",
  disagree: "vote.disagree",
  abstain: "vote.abstain",
};

export const REASON_LABELS: Record<RecusalReason, MessageKey> = {
  relative: "recusal.reason.relative",
  teacher_student: "recusal.reason.teacher_student",
  same_institution: "recusal.reason.same_institution",
  other: "recusal.reason.other",
};

/**
 * The choices of a vote or grade cell, named in the current language: a grade from the
 * category's own list in the package (the default list when it carries none).
 */
export function choicesOf(kind: "vote" | "grade", grades?: GradeList): { value: string; label: string }[] {
  return kind === "vote" ? VOTES.map((value) => ({ value, label: t(VOTE_LABELS[value]) })) : gradeChoices(grades);
}

/** A criterion's score bands as the clerk set them: `优 18–20；良 15–17.5`; empty when none. */
export function bandsText(bands: readonly ScoreBand[] | null | undefined): string {
  return (bands ?? []).map((b) => `${b.label} ${formatPoints(b.from)}–${formatPoints(b.to)}`).join("；");
}
