//! The panel's meeting (会评) as forms see it: what the clerk asks the core to open and the
//! tally they enter, in the shapes the core takes, and words for what it answers. Only the
//! shape of a number is checked here (whole, not negative), to spare a round trip; places,
//! thresholds, quorums and who is in are the core's.

import { t } from "$lib/i18n/i18n.svelte";
import type { MessageKey } from "$lib/i18n/messages";
import type {
  BallotKind,
  CategoryResult,
  Count,
  MeetingBallot,
  Outcome,
  Registration,
  Shortlist,
  Tally,
} from "$lib/ipc/types";

export type KindChoice = BallotKind["kind"];

/** An expert who may chair a ballot: one with a key registered and in force. */
export interface ChairChoice {
  id: number;
  name: string;
  fingerprint: string;
}

/** The experts who may chair, from the review's key registrations: those not revoked. */
export function chairChoices(registrations: readonly Registration[]): ChairChoice[] {
  return registrations
    .filter((r) => r.revoked_at === null)
    .map((r) => ({ id: r.expert_id, name: r.expert_name, fingerprint: r.fingerprint }));
}
export type ShortlistChoice = "tied" | "band" | "picked";

/**
 * How the panel's votes are taken: a show of hands the clerk enters (`room`), the same
 * with the count signed by a chair (`chair`), or each expert voting on their own laptop
 * with their registered key (`laptops`).
 */
export type VotingChoice = "room" | "chair" | "laptops";

/** The voting chosen, as the dialog opens it: the chair's expert id with `chair`. */
export type Voting = { how: "room" } | { how: "chair"; chair: number } | { how: "laptops" };

/** What the clerk chose before opening a ballot. Number fields read `null` when empty. */
export interface SetupForm {
  kind: KindChoice;
  /** 应选 k of a 差额 choice; empty: as many as the places left (the core's default). */
  atMost: number | null | undefined;
  shortlist: ShortlistChoice;
  /** Places each side of the cut, for a band. */
  around: number | null | undefined;
  /** Nomination ids ticked, for a list picked by hand. */
  picked: number[];
}

export function defaultSetup(): SetupForm {
  return { kind: "choose", atMost: null, shortlist: "tied", around: 1, picked: [] };
}

/** A number field's shape problem, named by the field it belongs to. */
export interface Problem {
  key: MessageKey;
  field: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: Problem };

function whole(value: number | null | undefined, min: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min;
}

/** The shortlist and kind to send, or the field whose number is out of shape. */
export function setupRequest(
  form: SetupForm,
  order: readonly number[] = [],
): Checked<{ shortlist: Shortlist; kind: BallotKind }> {
  let kind: BallotKind = { kind: "vote" };
  if (form.kind === "choose") {
    const k = form.atMost ?? null;
    if (k !== null && !whole(k, 1)) return { ok: false, problem: { key: "meeting.atMostInvalid", field: "atMost" } };
    kind = { kind: "choose", at_most: k };
  }
  let shortlist: Shortlist;
  switch (form.shortlist) {
    case "tied":
      shortlist = { kind: "tied_at_cut" };
      break;
    case "band":
      if (!whole(form.around, 1)) return { ok: false, problem: { key: "meeting.aroundInvalid", field: "around" } };
      shortlist = { kind: "band", around: form.around };
      break;
    case "picked": {
      // In the order the results list them (the core keeps that order anyway).
      const ticked = new Set(form.picked);
      const ordered = order.filter((id) => ticked.has(id));
      const rest = form.picked.filter((id) => !order.includes(id));
      shortlist = { kind: "picked", nominations: [...ordered, ...rest] };
      break;
    }
  }
  return { ok: true, value: { shortlist, kind } };
}

/** Whether the setup names anyone at all (a hand-picked list needs one tick). */
export function setupReady(form: SetupForm): boolean {
  return form.shortlist !== "picked" || form.picked.length > 0;
}

export interface CountRow {
  agree: number | null | undefined;
  disagree: number | null | undefined;
  abstain: number | null | undefined;
}

/** The tally as typed: counts by nomination id. */
export interface TallyForm {
  present: number | null | undefined;
  counts: Record<number, CountRow>;
  countedBy: string;
  witnessedBy: string;
}

export function emptyTally(ballot: Pick<MeetingBallot, "entries">): TallyForm {
  const counts: Record<number, CountRow> = {};
  for (const entry of ballot.entries) counts[entry.nomination_id] = { agree: null, disagree: null, abstain: null };
  return { present: null, counts, countedBy: "", witnessedBy: "" };
}

/** The columns a ballot's tally has: 同意/不同意/弃权 for a vote, 得票 for a choice. */
export function countColumns(kind: BallotKind): (keyof CountRow)[] {
  return kind.kind === "vote" ? ["agree", "disagree", "abstain"] : ["agree"];
}

const filled = (value: number | null | undefined) => value !== null && value !== undefined && !Number.isNaN(value);

/** Everything the room reports is filled in: the number present, every count, both names. */
export function tallyReady(form: TallyForm, ballot: Pick<MeetingBallot, "entries" | "kind">): boolean {
  const columns = countColumns(ballot.kind);
  return (
    filled(form.present) &&
    form.countedBy.trim() !== "" &&
    form.witnessedBy.trim() !== "" &&
    ballot.entries.every((e) => {
      const row = form.counts[e.nomination_id];
      return row !== undefined && columns.every((c) => filled(row[c]));
    })
  );
}

/** The tally to send, or the first field whose number is out of shape. */
export function tallyRequest(form: TallyForm, ballot: Pick<MeetingBallot, "entries" | "kind">): Checked<Tally> {
  if (!whole(form.present, 0)) return { ok: false, problem: { key: "meeting.tally.invalid", field: "present" } };
  const columns = countColumns(ballot.kind);
  const counts: Count[] = [];
  for (const entry of ballot.entries) {
    const row = form.counts[entry.nomination_id] ?? { agree: null, disagree: null, abstain: null };
    const count: Count = { nomination_id: entry.nomination_id, agree: 0, disagree: 0, abstain: 0 };
    for (const column of columns) {
      const value = row[column];
      if (!whole(value, 0)) {
        return { ok: false, problem: { key: "meeting.tally.invalid", field: `${entry.nomination_id}:${column}` } };
      }
      count[column] = value;
    }
    counts.push(count);
  }
  return {
    ok: true,
    value: {
      present: form.present,
      counts,
      counted_by: form.countedBy.trim(),
      witnessed_by: form.witnessedBy.trim(),
    },
  };
}

/** Whether the core cut some nominations of this category as tied across the line. */
export function hasTieAtCut(category: Pick<CategoryResult, "nominations">): boolean {
  return category.nominations.some((n) => n.cut === "tied");
}

/** 逐一表决 / 差额表决，应选 2 人 — as the core stored the ballot. */
export function kindText(kind: BallotKind): string {
  return kind.kind === "vote"
    ? t("meeting.ballot.kind.vote")
    : t("meeting.ballot.kind.choose", { k: kind.at_most ?? t("common.emptyValue") });
}

/** What one entry's count decided, as the core answered it. */
export function outcomeKey(result: Outcome | null): MessageKey {
  if (result === "in") return "meeting.outcome.in";
  if (result === "out") return "meeting.outcome.out";
  return "meeting.outcome.tied";
}

/** An entry's name on its ballot (the id when the ballot does not list it). */
export function entryName(ballot: Pick<MeetingBallot, "entries">, nominationId: number): string {
  const entry = ballot.entries.find((e) => e.nomination_id === nominationId);
  return entry?.display_name || String(nominationId);
}
