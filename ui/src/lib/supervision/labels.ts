//! Words for the register's codes: statuses, stages, strata, and the review a unit owes
//! next. The core decides every status, due date and draw; these only put them into words.

import { currentLang, t } from "$lib/i18n/i18n.svelte";
import type { MessageKey } from "$lib/i18n/messages";
import type { AwardedUnit, Due, Stage, Status, Strata, UnitEvent } from "$lib/ipc/types";
import type { Tone } from "$lib/ui/pill";

/** The statuses in the order a unit passes through them. */
export const STATUSES: readonly Status[] = ["awarded", "building", "rectifying", "accepted", "revoked"];
export const STAGES: readonly Stage[] = ["mid_term", "acceptance"];
export const STRATA: readonly Strata[] = ["none", "university", "activity", "year"];

export const STATUS_LABELS: Record<Status, MessageKey> = {
  awarded: "unitStatus.awarded",
  building: "unitStatus.building",
  rectifying: "unitStatus.rectifying",
  accepted: "unitStatus.accepted",
  revoked: "unitStatus.revoked",
};

/** How a unit's status stands out in the register (`.pill`). */
export const STATUS_TONES: Record<Status, Tone> = {
  awarded: "",
  building: "",
  rectifying: "warn",
  accepted: "ok",
  revoked: "quiet",
};

export const STAGE_LABELS: Record<Stage, MessageKey> = {
  mid_term: "stage.mid_term",
  acceptance: "stage.acceptance",
};

export const STRATA_LABELS: Record<Strata, MessageKey> = {
  none: "strata.none",
  university: "strata.university",
  activity: "strata.activity",
  year: "strata.year",
};

/** A unit's status: the core's Chinese name in Chinese, the code's label in English. */
export function unitStatusText(unit: Pick<AwardedUnit, "status" | "status_zh">): string {
  if (currentLang() === "zh-CN" && unit.status_zh.trim() !== "") return unit.status_zh;
  return t(STATUS_LABELS[unit.status]);
}

/** 中期考核 2024-11, with 整改复核 for a re-check. */
export function dueText(due: Due): string {
  const params = { stage: t(STAGE_LABELS[due.stage]), month: due.month };
  return due.recheck ? t("register.dueRecheck", params) : t("register.due", params);
}

/** The stage an event came from, or 状态变更 for the supervisor's own change. */
export function eventStageText(event: UnitEvent): string {
  if (event.stage === null) return t("register.event.statusChange");
  const stage = t(STAGE_LABELS[event.stage]);
  return event.recheck ? t("register.event.recheck", { stage }) : stage;
}

/** 通过 / 未通过, or — when nothing was passed or failed. */
export function passedText(passed: boolean | null): string {
  if (passed === null) return t("common.emptyValue");
  return passed ? t("register.event.passed") : t("register.event.failed");
}

/** The start of a long digest, enough to compare by eye: the whole one goes in a title. */
export function shortHash(hash: string, length = 12): string {
  return hash.length > length ? `${hash.slice(0, length)}…` : hash;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** The local calendar month as the core writes it: `2024-11`. */
export function localYearMonth(date: Date): string {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}`;
}

/** Items of a list inside a sentence: 、 in Chinese, a comma in English. */
export function joinList(items: readonly string[]): string {
  return items.join(currentLang() === "en" ? ", " : "、");
}
