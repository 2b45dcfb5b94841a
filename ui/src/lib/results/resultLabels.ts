//! Words for what the core's results say: the cut, the flags, the aggregate of one row. The
//! core ranks, cuts and rounds; these only put its values into words, never judge them.

import { pick, t } from "$lib/i18n/i18n.svelte";
import type { MessageKey } from "$lib/i18n/messages";
import { joinList } from "$lib/supervision/labels";
import { gradeName } from "$lib/ui/grades";
import type { Tone } from "$lib/ui/pill";
import type {
  CategoryResult,
  Criterion,
  Cut,
  Method,
  NominationResult,
  Outcome,
  PanelDecision,
  ResultFlag,
  TieBreaker,
  VoteThreshold,
} from "$lib/ipc/types";

export const CUT_LABELS: Record<Cut, MessageKey> = {
  in: "results.cut.in",
  out: "results.cut.out",
  tied: "results.cut.tied",
  unscored: "results.cut.unscored",
};

/** How a cut stands out in the results table (`.pill`). */
export const CUT_TONES: Record<Cut, Tone> = { in: "ok", tied: "warn", out: "quiet", unscored: "quiet" };

/** The panel's ruling as it reads inside a sentence: 入选 / "in". */
export const OUTCOME_LABELS: Record<Outcome, MessageKey> = {
  in: "results.decision.in",
  out: "results.decision.out",
};

/** The choices the clerk records, in the order offered, with their option labels. */
export const OUTCOME_CHOICES: readonly { outcome: Outcome; label: MessageKey }[] = [
  { outcome: "in", label: "results.decide.in" },
  { outcome: "out", label: "results.decide.out" },
];

export const METHOD_LABELS: Record<Method, MessageKey> = {
  mean: "results.method.mean",
  trimmed_mean: "results.method.trimmed_mean",
  median: "results.method.median",
};

export const THRESHOLD_LABELS: Record<VoteThreshold, MessageKey> = {
  more_than_half: "results.threshold.more_than_half",
  two_thirds: "results.threshold.two_thirds",
};

/** What a criterion breaker needs to name its criterion. */
export type CriterionName = Pick<Criterion, "key" | "name_zh" | "name_en">;

/**
 * The rule a category's results were computed by, in words, as separate phrases: the
 * method (with the trimming threshold), whether totals were normalised and how ties are
 * broken for criteria scoring, the pass mark for votes; nothing for grades, which no rule
 * changes. `criteria` names the category's criteria for criterion tie-breakers (the key
 * stands in for one not found).
 */
export function ruleText(
  category: Pick<CategoryResult, "scoring_mode" | "rule">,
  criteria: readonly CriterionName[] = [],
): string[] {
  const { rule } = category;
  switch (category.scoring_mode) {
    case "criteria": {
      const trim = rule.method === "trimmed_mean" ? t("results.trimFrom", { n: rule.trim_min_experts }) : "";
      return [
        t("results.method", { method: t(METHOD_LABELS[rule.method]) + trim }),
        t(rule.normalise ? "results.rule.normalised" : "results.rule.notNormalised"),
        tieBreakersText(rule.tie_breakers, criteria),
      ];
    }
    case "vote": {
      const threshold = t("results.threshold", { threshold: t(THRESHOLD_LABELS[rule.vote_threshold]) });
      return rule.quorum ? [threshold, t("results.quorum", { n: rule.quorum })] : [threshold];
    }
    case "grade":
      return [];
  }
}

/** 同分比较：「个人成绩好」均分、满分票数 — or 同分由评审组决定 when there are none. */
export function tieBreakersText(breakers: readonly TieBreaker[], criteria: readonly CriterionName[] = []): string {
  if (breakers.length === 0) return t("results.tieBreakers.none");
  const words = breakers.map((b) => {
    if (b.kind === "more_top_marks") return t("results.tieBreaker.more_top_marks");
    const criterion = criteria.find((c) => c.key === b.key);
    return t("results.tieBreaker.criterion", { name: criterion ? pick(criterion, "name") : b.key });
  });
  return t("results.tieBreakers", { list: joinList(words) });
}

/** Two decimals, as the printed summary shows them: `87.50`. */
export function twoDecimals(value: number): string {
  return value.toFixed(2);
}

/** A signed amount of points: `+3.25`, `-12.50`. */
export function signedPoints(value: number): string {
  return value > 0 ? `+${twoDecimals(value)}` : twoDecimals(value);
}

export function flagText(flag: ResultFlag): string {
  switch (flag.kind) {
    case "tie_at_cut":
      return t("results.flag.tie_at_cut");
    case "high_dispersion":
      return t("results.flag.high_dispersion", { std_dev: twoDecimals(flag.std_dev) });
    case "missing_marks":
      return t("results.flag.missing_marks", { expected: flag.expected, got: flag.got });
    case "unresolved_eligibility":
      return t("results.flag.unresolved_eligibility", { count: flag.count });
    case "no_marks":
      return t("results.flag.no_marks");
    case "grade_tie":
      return t("results.flag.grade_tie");
  }
}

/**
 * 评审组决定：入选（评审组表决 5:2） — the ruling as the core recorded it; one a 会评
 * ballot's count made names the ballot (会评表决 #3：入选), its count being the reason.
 */
export function decisionText(decision: PanelDecision): string {
  const outcome = t(OUTCOME_LABELS[decision.outcome]);
  if (decision.ballot !== undefined && decision.ballot !== null) {
    return t("results.decision.ballot", { ballot: decision.ballot, outcome });
  }
  return t("results.decision", { outcome, reason: decision.reason });
}

/**
 * A row the panel may rule on: any that has a result (an upheld objection or the panel's
 * override may turn any of them; the core refuses what a ruling cannot do, such as putting
 * in a failed vote), and one flagged or already ruled on even without a score.
 */
export function isDecidable(result: NominationResult): boolean {
  return result.cut !== "unscored" || result.flags.length > 0 || result.decision !== null;
}

/**
 * The row's aggregate as the category is scored: the score (two decimals), the agreeing
 * votes of those present, or the grade by its name on the category's list; "—" when the
 * core has none.
 */
export function aggregateText(category: CategoryResult, result: NominationResult): string {
  const none = t("common.emptyValue");
  switch (category.scoring_mode) {
    case "criteria":
      return result.score === null ? none : twoDecimals(result.score);
    case "vote":
      return result.votes === null ? none : t("results.votes", { agree: result.votes.agree, present: result.votes.present });
    case "grade":
      return result.grade === null ? none : gradeName(category.grades, result.grade);
  }
}
