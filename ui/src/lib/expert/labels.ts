//! Human labels for the codes the core uses in scoring: votes, grades, recusal reasons and
//! what an incomplete item lacks. The choices are listed in the order the paper forms use.

import type { MessageKey } from "$lib/i18n/messages";
import type { Grade, RecusalReason, ScoreBand, Vote } from "$lib/ipc/types";
import { formatPoints } from "$lib/ui/format";

export const VOTES: readonly Vote[] = ["agree", "disagree", "abstain"];
export const GRADES: readonly Grade[] = ["excellent", "good", "pass", "fail"];
export const RECUSAL_REASONS: readonly RecusalReason[] = ["relative", "teacher_student", "same_institution", "other"];

export const VOTE_LABELS: Record<Vote, MessageKey> = {
  agree: "vote.agree",
  disagree: "vote.disagree",
  abstain: "vote.abstain",
};

export const GRADE_LABELS: Record<Grade, MessageKey> = {
  excellent: "grade.excellent",
  good: "grade.good",
  pass: "grade.pass",
  fail: "grade.fail",
};

export const REASON_LABELS: Record<RecusalReason, MessageKey> = {
  relative: "recusal.reason.relative",
  teacher_student: "recusal.reason.teacher_student",
  same_institution: "recusal.reason.same_institution",
  other: "recusal.reason.other",
};

/** The choices of a vote or grade cell with their labels. */
export function choicesOf(kind: "vote" | "grade"): { value: string; label: MessageKey }[] {
  return kind === "vote"
    ? VOTES.map((value) => ({ value, label: VOTE_LABELS[value] }))
    : GRADES.map((value) => ({ value, label: GRADE_LABELS[value] }));
}

/** A criterion's score bands as the clerk set them: `优 18–20；良 15–17.5`; empty when none. */
export function bandsText(bands: readonly ScoreBand[] | null | undefined): string {
  return (bands ?? []).map((b) => `${b.label} ${formatPoints(b.from)}–${formatPoints(b.to)}`).join("；");
}
