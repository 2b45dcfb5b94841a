//! Stand-ins for the core's answers about a chaired 会评 ballot (组长签名确认): the clerk's
//! side (a ballot with a chair, the tally file written, the count confirmed) and the
//! chair's (the tally file as the chair's laptop reads it, and what it signed).

import type { CommandHandler } from "$lib/ipc/mock";
import type {
  Confirmed,
  MeetingBallot,
  MeetingOutcome,
  Registration,
  ReviewResults,
  Tally,
  TallyShown,
  TallySigned,
  TallyWritten,
} from "$lib/ipc/types";
import { EXPERT_FINGERPRINT, registration } from "$lib/testing/fixtures";
import { resultsTabHandlers } from "$lib/testing/resultsMock";
import { countedTally, fileBallot, fileReview, meetingBallot, settledOutcome, tiedResultsFixture } from "./meetingFixtures";

export const CHAIR_FINGERPRINT = EXPERT_FINGERPRINT;
export const TALLY_SHA256 = "5f1e0c9a7b3d2e4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5";

/** The first category with 14 and 15 tied for its last place behind 11. */
export function chairResults(): ReviewResults {
  const results = tiedResultsFixture();
  results.categories[0]!.nominations = results.categories[0]!.nominations.filter((n) => n.nomination_id !== 16);
  return results;
}

/** 王喆's key in force, 李珺's revoked: only 王喆 may chair. */
export function chairRegistrations(): Registration[] {
  return [
    registration(),
    registration({
      expert_id: 2,
      expert_name: "李珺",
      fingerprint: "DD74-02B0-A422-1589-F3EA",
      revoked_at: "2026-04-13T00:00:00Z",
      revoked_reason: "笔记本丢失",
    }),
  ];
}

export function chairedBallot(overrides: Partial<MeetingBallot> = {}): MeetingBallot {
  return meetingBallot({ id: 9, chair: { id: 1, name: "王喆" }, ...overrides });
}

/** The count the clerk typed: 5 and 2 of 7 present, as for the unchaired ballot. */
export const chairTally = countedTally;

export const chairOutcome = settledOutcome;

export function tallyWritten(): TallyWritten {
  return { file_name: "tally-ballot-9.pdtally", tally_sha256: TALLY_SHA256, outcome: chairOutcome() };
}

export function tallyConfirmed(): Confirmed {
  return {
    ballot: 9,
    confirmation: { chair_id: 1, chair_name: "王喆", fingerprint: CHAIR_FINGERPRINT, tally_sha256: TALLY_SHA256 },
    tally: chairTally(),
    outcome: chairOutcome(),
  };
}

/** The ballot once counted from the chair's signed tally. */
export function confirmedBallot(): MeetingBallot {
  const confirmed = tallyConfirmed();
  return chairedBallot({
    counted: {
      tally: confirmed.tally,
      outcome: confirmed.outcome,
      counted_at: "2026-04-21T03:00:00Z",
      recorded_by: "clerk",
      confirmed: confirmed.confirmation,
    },
  });
}

/** The tally file as the chair's laptop reads it. */
export function tallyShown(overrides: Partial<TallyShown> = {}): TallyShown {
  return {
    content: {
      format: "paneldesk.meeting-tally",
      version: 1,
      review: fileReview(),
      ballot: fileBallot(chairedBallot()),
      tally: chairTally(),
      chair: { id: 1, name: "王喆" },
      written_at: "2026-04-21T02:30:00Z",
      written_by: "clerk",
    },
    outcome: chairOutcome(),
    signed_by: null,
    ...overrides,
  };
}

export function tallySigned(): TallySigned {
  return { file_name: "tally-ballot-9-signed.pdtally", fingerprint: CHAIR_FINGERPRINT };
}

/**
 * The results tab's commands on the chaired category (`chairResults`, `chairRegistrations`),
 * listing the ballots `ballots` gives at the time; `overrides` answer the ballot's own commands.
 */
export function chairedCategoryHandlers(
  ballots: () => MeetingBallot[],
  overrides: Record<string, CommandHandler> = {},
): Record<string, CommandHandler> {
  return resultsTabHandlers({
    expert_keys: () => chairRegistrations(),
    review_results: () => chairResults(),
    meeting_ballots: () => structuredClone(ballots()),
    ...overrides,
  });
}
