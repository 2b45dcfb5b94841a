//! The results tab's steps, in the order the office works: scores come back (with the
//! paper sheets keyed for an expert whose laptop failed), the panel settles the results,
//! the 公示 runs with its objections, then come the printed documents and certificates,
//! the awarded units' entry in the register, and checking certificates that come back.
//! The few words a step shows about itself are the core's own counts, never a judgement.

import type { MessageKey } from "$lib/i18n/messages";
import type { ExpertStatus, ReviewResults, Step } from "$lib/ipc/types";

export const STEPS = ["receive", "results", "publication", "print", "register", "verify"] as const;
export type StepId = (typeof STEPS)[number];

export const STEP_LABELS: Record<StepId, MessageKey> = {
  receive: "resultsSteps.receive",
  results: "resultsSteps.results",
  publication: "resultsSteps.publication",
  print: "resultsSteps.print",
  register: "resultsSteps.register",
  verify: "resultsSteps.verify",
};

/**
 * Where the tab opens: on the results once every expert on the board has handed in,
 * else on receiving (nothing built or received yet, or some still to come).
 */
export function openingStep(statuses: readonly Pick<ExpertStatus, "submitted">[] | null): StepId {
  return statuses && statuses.length > 0 && statuses.every((s) => s.submitted) ? "results" : "receive";
}

/** The step where the core's next step (the overview's "what to do next") is done, if it is on this tab. */
export function stepFor(next: Step["kind"]): StepId | null {
  switch (next) {
    case "receive_bundles":
      return "receive";
    case "decide_ties":
      return "results";
    case "set_announcement":
    case "resolve_objections":
    case "wait_for_announcement":
      return "publication";
    case "print_certificates":
      return "print";
    default:
      return null;
  }
}

/** Who has handed in, as the board says: null before there is a board. */
export function handedIn(statuses: readonly Pick<ExpertStatus, "submitted">[] | null): { submitted: number; total: number } | null {
  if (!statuses || statuses.length === 0) return null;
  return { submitted: statuses.filter((s) => s.submitted).length, total: statuses.length };
}

/** The rows the core cut as tied across the line: each waits for the panel's decision. */
export function toDecide(results: ReviewResults | null): number {
  if (!results) return 0;
  return results.categories.reduce((n, c) => n + c.nominations.filter((r) => r.cut === "tied").length, 0);
}
