//! Stand-ins for the core's 会评 answers, for the meeting components' tests.

import type { MeetingBallot, MeetingOutcome, ReviewResults, Tally, TallyBallot, TallyReview } from "$lib/ipc/types";
import { nominationResult, reviewResultsFixture, tiedNomination } from "$lib/testing/fixtures";

/**
 * The first category with two nominations tied for its last place (14 and 15) behind one
 * clearly in (11), and a fourth out (16).
 */
export function tiedResultsFixture(): ReviewResults {
  const results = reviewResultsFixture();
  results.categories[0]!.quota = 2;
  results.categories[0]!.nominations = [
    nominationResult({ nomination_id: 11, rank: 1, cut: "in" }),
    tiedNomination(),
    tiedNomination({ nomination_id: 15, display_name: "“红色引擎”支部工作法", university: "南湖医科大学" }),
    nominationResult({
      nomination_id: 16,
      display_name: "书记项目工作坊",
      university: "西岭农业大学",
      score: 71.25,
      rank: 4,
      cut: "out",
    }),
  ];
  return results;
}

/** The results after ballot 7 put 14 in and 15 out. */
export function settledResultsFixture(ballot = 7): ReviewResults {
  const results = tiedResultsFixture();
  const decided = (id: number, outcome: "in" | "out") => ({
    nomination_id: id,
    outcome,
    reason: `会评差额表决（应选 1）：得票 ${outcome === "in" ? 5 : 2} / 到会 7，${outcome === "in" ? "入选" : "不入选"}`,
    decided_at: "2026-04-21T02:00:00Z",
    actor: "clerk",
    ballot,
  });
  results.categories[0]!.nominations = results.categories[0]!.nominations.map((n) =>
    n.nomination_id === 14
      ? { ...n, cut: "in", decision: decided(14, "in") }
      : n.nomination_id === 15
        ? { ...n, cut: "out", decision: decided(15, "out") }
        : n,
  );
  return results;
}

export function meetingBallot(overrides: Partial<MeetingBallot> = {}): MeetingBallot {
  return {
    id: 7,
    category_key: "case_university",
    category_zh: "学校党委层面案例",
    kind: { kind: "choose", at_most: 1 },
    places: 1,
    threshold: "more_than_half",
    entries: [
      { nomination_id: 14, display_name: "“三全育人”党建品牌", university: "东川理工大学", score: 80 },
      { nomination_id: 15, display_name: "“红色引擎”支部工作法", university: "南湖医科大学", score: 80 },
    ],
    opened_at: "2026-04-21T01:30:00Z",
    opened_by: "clerk",
    counted: null,
    ...overrides,
  };
}

/** The review as a file the clerk writes for a ballot names it (a tally file, a ballot paper). */
export function fileReview(): TallyReview {
  return { id: "2026-case-a1b2c3d4", title_zh: "2026年基层党建创新典型案例评审" };
}

/** A ballot as such a file carries it: what was opened, without its count. */
export function fileBallot(ballot: MeetingBallot): TallyBallot {
  return {
    id: ballot.id,
    category_key: ballot.category_key,
    category_zh: ballot.category_zh,
    kind: ballot.kind,
    places: ballot.places,
    threshold: ballot.threshold,
    entries: ballot.entries,
    opened_at: ballot.opened_at,
    opened_by: ballot.opened_by,
  };
}

export function settledOutcome(): MeetingOutcome {
  return {
    entries: [
      { nomination_id: 14, agree: 5, passed: true, result: "in" },
      { nomination_id: 15, agree: 2, passed: false, result: "out" },
    ],
    still_tied: [],
  };
}

export function stillTiedOutcome(): MeetingOutcome {
  return {
    entries: [
      { nomination_id: 14, agree: 5, passed: true, result: null },
      { nomination_id: 15, agree: 5, passed: true, result: null },
    ],
    still_tied: [14, 15],
  };
}

/** The count typed for ballot 7: 5 and 2 of 7 present. */
export function countedTally(): Tally {
  return {
    present: 7,
    counts: [
      { nomination_id: 14, agree: 5, disagree: 0, abstain: 0 },
      { nomination_id: 15, agree: 2, disagree: 0, abstain: 0 },
    ],
    counted_by: "王计票",
    witnessed_by: "赵监票",
  };
}

/** Ballot 7 as listed after its count. */
export function countedBallot(): MeetingBallot {
  return meetingBallot({
    counted: {
      tally: countedTally(),
      outcome: settledOutcome(),
      counted_at: "2026-04-21T02:00:00Z",
      recorded_by: "clerk",
    },
  });
}
