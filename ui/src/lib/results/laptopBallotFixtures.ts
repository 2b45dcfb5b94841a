//! Stand-ins for the core's answers about a 会评 ballot the experts vote on their own laptops:
//! the clerk's side (the ballot with its voters, the paper written, votes received, the
//! count) and the voter's (the paper as their laptop reads it, the vote cast).

import type {
  MeetingBallot,
  MeetingOutcome,
  PaperShown,
  PaperWrittenView,
  VoteCastView,
  VoteReceived,
} from "$lib/ipc/types";
import { EXPERT_FINGERPRINT, SECOND_EXPERT_FINGERPRINT } from "$lib/testing/fixtures";
import { fileBallot, fileReview, meetingBallot, settledOutcome } from "./meetingFixtures";

export const PAPER_SHA256 = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
export const VOTE_SHA256 = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0";

export const VOTERS = [
  { id: 1, name: "王喆" },
  { id: 2, name: "李珺" },
  { id: 3, name: "欧阳娜娜" },
];

/** Ballot 12, a 差额 choice of one between 14 and 15, voted on three laptops. */
export function laptopBallot(overrides: Partial<MeetingBallot> = {}, received: number[] = []): MeetingBallot {
  return meetingBallot({
    id: 12,
    laptops: { voters: VOTERS, paper_sha256: null, received },
    ...overrides,
  });
}

export function paperWritten(): PaperWrittenView {
  return { file_name: "ballot-12.pdballot", paper_sha256: PAPER_SHA256 };
}

export function voteReceived(overrides: Partial<VoteReceived> = {}): VoteReceived {
  return {
    ballot: 12,
    expert_id: 1,
    expert_name: "王喆",
    fingerprint: EXPERT_FINGERPRINT,
    already_had: false,
    received: 1,
    voters: 3,
    ...overrides,
  };
}

export const secondVote = () =>
  voteReceived({ expert_id: 2, expert_name: "李珺", fingerprint: SECOND_EXPERT_FINGERPRINT, received: 2 });

export const laptopOutcome = (): MeetingOutcome => settledOutcome();

/** Ballot 12 once counted from the votes of 王喆 and 李珺. */
export function countedLaptopBallot(): MeetingBallot {
  return laptopBallot(
    {
      counted: {
        tally: {
          present: 2,
          counts: [
            { nomination_id: 14, agree: 2, disagree: 0, abstain: 0 },
            { nomination_id: 15, agree: 0, disagree: 0, abstain: 0 },
          ],
          counted_by: "王计票",
          witnessed_by: "赵监票",
        },
        outcome: laptopOutcome(),
        counted_at: "2026-04-21T03:00:00Z",
        recorded_by: "clerk",
        votes: [
          { expert_id: 1, name: "王喆", fingerprint: EXPERT_FINGERPRINT, vote_sha256: VOTE_SHA256 },
          { expert_id: 2, name: "李珺", fingerprint: SECOND_EXPERT_FINGERPRINT, vote_sha256: VOTE_SHA256 },
        ],
      },
    },
    [1, 2],
  );
}

/** The ballot paper as 王喆's laptop reads it: a vote on each by default. */
export function paperShown(kind: MeetingBallot["kind"] = { kind: "vote" }): PaperShown {
  const ballot = meetingBallot({ id: 12, kind });
  return {
    paper: {
      format: "paneldesk.meeting-ballot",
      version: 1,
      review: fileReview(),
      ballot: {
        ...fileBallot(ballot),
        entries: [
          ...ballot.entries,
          { nomination_id: 16, display_name: "书记项目工作坊", university: "西岭农业大学", score: 71.25 },
        ],
      },
      voters: VOTERS,
      written_by: "clerk",
    },
    voter: { id: 1, name: "王喆" },
    rule_zh: kind.kind === "vote" ? "逐一表决：同意票超过到会专家半数者通过。" : "差额表决：每位专家最多选 2 人，得票最多者入选。",
    rule_en: kind.kind === "vote" ? "A vote on each: passes with more than half of those present for it." : "A choice: each expert picks at most 2; most votes win.",
  };
}

export function voteCast(): VoteCastView {
  return { file_name: "vote-ballot-12-expert-1.pdvote", fingerprint: EXPERT_FINGERPRINT };
}
