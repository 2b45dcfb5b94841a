import { beforeEach, describe, expect, it } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { categoryResult, nominationResult } from "$lib/testing/fixtures";
import {
  countColumns,
  defaultSetup,
  emptyTally,
  hasTieAtCut,
  kindText,
  outcomeKey,
  setupReady,
  setupRequest,
  tallyReady,
  tallyRequest,
} from "./meeting";
import { countedTally, meetingBallot } from "./meetingFixtures";

beforeEach(() => setLang("zh-CN"));

describe("opening a ballot", () => {
  it("asks by default for a choice among those tied, as many as the places left", () => {
    expect(setupRequest(defaultSetup())).toEqual({
      ok: true,
      value: { shortlist: { kind: "tied_at_cut" }, kind: { kind: "choose", at_most: null } },
    });
  });

  it("sends a vote, a band or a hand-picked list in the results' order", () => {
    expect(setupRequest({ ...defaultSetup(), kind: "vote", shortlist: "band", around: 2 })).toEqual({
      ok: true,
      value: { shortlist: { kind: "band", around: 2 }, kind: { kind: "vote" } },
    });
    const picked = { ...defaultSetup(), atMost: 2, shortlist: "picked" as const, picked: [16, 11, 14] };
    expect(setupRequest(picked, [11, 14, 15, 16])).toEqual({
      ok: true,
      value: { shortlist: { kind: "picked", nominations: [11, 14, 16] }, kind: { kind: "choose", at_most: 2 } },
    });
  });

  it("names the field whose number is out of shape, and leaves the rest to the core", () => {
    const bad = (form: Partial<ReturnType<typeof defaultSetup>>) => setupRequest({ ...defaultSetup(), ...form });
    expect(bad({ atMost: 0 })).toEqual({ ok: false, problem: { key: "meeting.atMostInvalid", field: "atMost" } });
    expect(bad({ atMost: 1.5 })).toMatchObject({ ok: false, problem: { field: "atMost" } });
    // A vote has no k: whatever the hidden field holds is not sent.
    expect(bad({ kind: "vote", atMost: 0 })).toMatchObject({ ok: true });
    expect(bad({ shortlist: "band", around: null })).toEqual({
      ok: false,
      problem: { key: "meeting.aroundInvalid", field: "around" },
    });
    // More than the core allows each side (20) is the core's to refuse.
    expect(bad({ shortlist: "band", around: 50 })).toMatchObject({ ok: true });
    // An empty k is "the places left".
    expect(bad({ atMost: undefined })).toMatchObject({ ok: true, value: { kind: { kind: "choose", at_most: null } } });
  });

  it("is ready unless a hand-picked list is empty", () => {
    expect(setupReady(defaultSetup())).toBe(true);
    expect(setupReady({ ...defaultSetup(), shortlist: "picked" })).toBe(false);
    expect(setupReady({ ...defaultSetup(), shortlist: "picked", picked: [14] })).toBe(true);
  });
});

describe("entering the tally", () => {
  it("asks a vote for 同意/不同意/弃权 and a choice for its votes only", () => {
    expect(countColumns({ kind: "vote" })).toEqual(["agree", "disagree", "abstain"]);
    expect(countColumns({ kind: "choose", at_most: 1 })).toEqual(["agree"]);
  });

  it("is ready once the room's numbers and both names are in", () => {
    const ballot = meetingBallot();
    const form = emptyTally(ballot);
    expect(tallyReady(form, ballot)).toBe(false);
    form.present = 7;
    form.counts[14]!.agree = 5;
    form.counts[15]!.agree = 0;
    form.countedBy = "王计票";
    expect(tallyReady(form, ballot)).toBe(false);
    form.witnessedBy = "  ";
    expect(tallyReady(form, ballot)).toBe(false);
    form.witnessedBy = "赵监票";
    expect(tallyReady(form, ballot)).toBe(true);

    const vote = meetingBallot({ kind: { kind: "vote" } });
    expect(tallyReady(form, vote)).toBe(false);
    form.counts[14] = { agree: 5, disagree: 1, abstain: 1 };
    form.counts[15] = { agree: 3, disagree: 4, abstain: 0 };
    expect(tallyReady(form, vote)).toBe(true);
  });

  it("sends each count with the names trimmed; a choice has no against or abstain", () => {
    const ballot = meetingBallot();
    const form = emptyTally(ballot);
    form.present = 7;
    form.counts[14] = { agree: 5, disagree: 3, abstain: 1 };
    form.counts[15] = { agree: 2, disagree: null, abstain: null };
    form.countedBy = " 王计票 ";
    form.witnessedBy = "赵监票";
    expect(tallyRequest(form, ballot)).toEqual({ ok: true, value: countedTally() });
    expect(tallyRequest(form, meetingBallot({ kind: { kind: "vote" } }))).toEqual({
      ok: false,
      problem: { key: "meeting.tally.invalid", field: "15:disagree" },
    });
  });

  it("refuses a fraction or a negative number before asking the core", () => {
    const ballot = meetingBallot();
    const form = emptyTally(ballot);
    form.present = 6.5;
    expect(tallyRequest(form, ballot)).toMatchObject({ ok: false, problem: { field: "present" } });
    form.present = 7;
    form.counts[14]!.agree = -1;
    form.counts[15]!.agree = 2;
    expect(tallyRequest(form, ballot)).toMatchObject({ ok: false, problem: { field: "14:agree" } });
  });
});

describe("words for the core's answers", () => {
  it("finds a tie only where the core cut one", () => {
    expect(hasTieAtCut(categoryResult())).toBe(false);
    expect(hasTieAtCut(categoryResult({ nominations: [nominationResult({ cut: "tied" })] }))).toBe(true);
  });

  it("names the kind and each outcome, in either language", () => {
    expect(kindText({ kind: "vote" })).toBe("逐一表决");
    expect(kindText({ kind: "choose", at_most: 2 })).toBe("差额表决，应选 2 人");
    expect(outcomeKey("in")).toBe("meeting.outcome.in");
    expect(outcomeKey("out")).toBe("meeting.outcome.out");
    expect(outcomeKey(null)).toBe("meeting.outcome.tied");
    setLang("en");
    expect(kindText({ kind: "choose", at_most: 2 })).toBe("Choice of 2");
  });
});
