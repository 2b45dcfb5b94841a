//! An expert's vote on a ballot paper, as the form holds it until it is signed: a word for
//! each entry of a vote (同意/不同意/弃权), or the entries ticked in a 差额 choice. What goes
//! to the core is one mark per entry, in the ballot's order; whether the vote may be cast
//! is the core's to say, the form only keeps the expert from saving half a vote or ticking
//! more than the paper allows.

import type { BallotKind, TallyBallot, VoteMark } from "$lib/ipc/types";

export type VoteWord = "agree" | "disagree" | "abstain";
export const VOTE_WORDS: readonly VoteWord[] = ["agree", "disagree", "abstain"];

/** How many a choice allows (the paper fills it in); `null` for a vote on each. */
export function atMost(kind: BallotKind): number | null {
  return kind.kind === "choose" ? (kind.at_most ?? null) : null;
}

/** What the expert marked so far. */
export interface VoteForm {
  /** A vote's word per nomination id. */
  votes: Record<number, VoteWord | undefined>;
  /** A choice's ticks, by nomination id. */
  chosen: readonly number[];
}

/** Whether one more tick is allowed in a choice (never limits a vote). */
export function canChooseMore(kind: BallotKind, form: VoteForm): boolean {
  const k = atMost(kind);
  return k === null || form.chosen.length < k;
}

/** Entries of a vote still without a word. */
export function unmarked(ballot: Pick<TallyBallot, "entries" | "kind">, form: VoteForm): number {
  if (ballot.kind.kind !== "vote") return 0;
  return ballot.entries.filter((e) => form.votes[e.nomination_id] === undefined).length;
}

/**
 * The marks to sign, one per entry in the ballot's order; `null` while a vote has an entry
 * without a word. A choice gives `chosen` or `not_chosen` for every entry (none ticked is a
 * blank vote).
 */
export function voteMarks(ballot: Pick<TallyBallot, "entries" | "kind">, form: VoteForm): VoteMark[] | null {
  if (ballot.kind.kind === "choose") {
    const ticked = new Set(form.chosen);
    return ballot.entries.map((e) => ({
      nomination_id: e.nomination_id,
      mark: ticked.has(e.nomination_id) ? "chosen" : "not_chosen",
    }));
  }
  const marks: VoteMark[] = [];
  for (const entry of ballot.entries) {
    const word = form.votes[entry.nomination_id];
    if (word === undefined) return null;
    marks.push({ nomination_id: entry.nomination_id, mark: word });
  }
  return marks;
}
