import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { MeetingBallot, ReviewResults } from "$lib/ipc/types";
import { ipcError, review } from "$lib/testing/fixtures";
import {
  countedBallot,
  countedTally,
  meetingBallot,
  settledOutcome,
  settledResultsFixture,
  stillTiedOutcome,
  tiedResultsFixture,
} from "./meetingFixtures";
import { openMeeting, showResults } from "$lib/testing/meetingDialog";
import { freshPage } from "$lib/testing/page";
import { resultsTabHandlers } from "$lib/testing/resultsMock";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

const tooMany = ipcError(
  "bad_input",
  "输入有误：到会专家人数应在 1 到 7 之间（本评审共 7 位专家）：9",
  "Invalid input: experts present must be 1 to 7 (the review has 7 experts): 9",
);

let ipc: MockedCommands;
/** What the "core" answers: the results and the ballots change once a count is recorded. */
let results: ReviewResults;
let ballots: MeetingBallot[];

function mock(overrides: Record<string, CommandHandler> = {}) {
  ipc = mockCommands(resultsTabHandlers({
    review_results: () => structuredClone(results),
    meeting_ballots: () => structuredClone(ballots),
    open_meeting_ballot: () => {
      ballots = [meetingBallot()];
      return meetingBallot();
    },
    count_meeting_ballot: () => {
      results = settledResultsFixture();
      ballots = [countedBallot()];
      return settledOutcome();
    },
    print_tally_sheet: () => 30720,
    ...overrides,
  }));
}

beforeEach(() => {
  freshPage({ clerkUnlocked: true });
  vi.mocked(chooseSaveFile).mockReset();
  results = tiedResultsFixture();
  ballots = [];
  mock();
});
afterEach(clearCommandMocks);

const byTestId = <T extends HTMLElement = HTMLInputElement>(id: string) => screen.getByTestId(id) as unknown as T;
const row = (id: number) => screen.getAllByTestId("result-row").find((r) => r.dataset.nominationId === String(id))!;
const countInput = (id: number, column = "agree") =>
  screen
    .getAllByTestId("meeting-count")
    .find((el) => el.dataset.nominationId === String(id) && el.dataset.column === column) as HTMLInputElement;

async function openBallot() {
  await openMeeting();
  await fireEvent.click(byTestId("meeting-setup-confirm"));
  return screen.findByTestId("meeting-ballot");
}

async function fillTally(present: string, votes: Record<number, string>) {
  await fireEvent.input(byTestId("meeting-present"), { target: { value: present } });
  for (const [id, value] of Object.entries(votes)) {
    await fireEvent.input(countInput(Number(id)), { target: { value } });
  }
  await fireEvent.input(byTestId("meeting-counted-by"), { target: { value: "王计票" } });
  await fireEvent.input(byTestId("meeting-witnessed-by"), { target: { value: "赵监票" } });
}

describe("the panel's meeting vote on a tie at the cut", () => {
  it("is offered where the core cut a tie, and says so", async () => {
    await showResults();
    const bars = screen.getAllByTestId("meeting-bar");
    const tied = bars.find((b) => b.dataset.category === "case_university")!;
    expect(tied.dataset.tied).toBe("true");
    expect(tied.textContent).toContain("名额线处有并列");
    expect(within(tied).getByTestId("meeting-open").textContent?.trim()).toBe("会评表决…");
    // No ballots yet: no list of them.
    expect(screen.queryByTestId("meeting-ballots")).toBeNull();
    expect(ipc.callsOf("meeting_ballots")[0]?.args).toEqual({ reviewId: review.id });
  });

  it("opens a choice among those tied by default, and shows the ballot the core opened", async () => {
    await showResults();
    const dialog = await openMeeting();
    expect(dialog.querySelector("h2")?.textContent).toBe("会评表决：学校党委层面案例");
    expect(byTestId("meeting-kind-choose").checked).toBe(true);
    expect(byTestId("meeting-at-most").value).toBe("");
    expect(byTestId("meeting-at-most").getAttribute("placeholder")).toBe("剩余名额");
    expect(byTestId("meeting-shortlist-tied").checked).toBe(true);
    expect(document.activeElement).toBe(byTestId("meeting-kind-choose"));

    await fireEvent.click(byTestId("meeting-setup-confirm"));
    const ballot = await screen.findByTestId("meeting-ballot");
    expect(ipc.callsOf("open_meeting_ballot").map((c) => c.args)).toEqual([
      {
        reviewId: review.id,
        categoryKey: "case_university",
        shortlist: { kind: "tied_at_cut" },
        kind: { kind: "choose", at_most: null },
        // No chair: the tally is counted as the clerk records it.
        chair: null,
      },
    ]);
    expect(ballot.dataset.ballotId).toBe("7");
    expect(byTestId<HTMLElement>("meeting-ballot-kind").textContent).toBe("差额表决，应选 1 人");
    expect(byTestId<HTMLElement>("meeting-ballot-places").textContent).toContain("剩余名额 1 个");
    expect(within(ballot).getAllByTestId("meeting-ballot-entry").map((e) => e.textContent)).toEqual([
      expect.stringContaining("“三全育人”党建品牌"),
      expect.stringContaining("“红色引擎”支部工作法"),
    ]);
    // A choice counts only the votes each received.
    expect(screen.getAllByTestId("meeting-count").map((el) => el.dataset.column)).toEqual(["agree", "agree"]);
    // The open ballot is listed with the review's others.
    await waitFor(() => expect(screen.getByTestId("meeting-ballots")).toBeTruthy());
  });

  it("opens a vote on a band or on rows picked by hand", async () => {
    await showResults();
    await openMeeting();
    await fireEvent.click(byTestId("meeting-kind-vote"));
    expect(screen.queryByTestId("meeting-at-most")).toBeNull();
    await fireEvent.click(byTestId("meeting-shortlist-band"));
    await fireEvent.input(byTestId("meeting-around"), { target: { value: "2" } });
    await fireEvent.click(byTestId("meeting-shortlist-picked"));
    expect(byTestId<HTMLButtonElement>("meeting-setup-confirm").disabled).toBe(true);
    const picks = screen.getAllByTestId("meeting-pick") as HTMLInputElement[];
    expect(picks.map((p) => p.dataset.nominationId)).toEqual(["11", "14", "15", "16"]);
    await fireEvent.click(picks[3]!);
    await fireEvent.click(picks[1]!);
    await fireEvent.click(byTestId("meeting-setup-confirm"));
    await screen.findByTestId("meeting-ballot");
    expect(ipc.callsOf("open_meeting_ballot")[0]?.args).toMatchObject({
      shortlist: { kind: "picked", nominations: [14, 16] },
      kind: { kind: "vote" },
    });
  });

  it("sends a band around the cut", async () => {
    await showResults();
    await openMeeting();
    await fireEvent.click(byTestId("meeting-shortlist-band"));
    await fireEvent.input(byTestId("meeting-around"), { target: { value: "2" } });
    await fireEvent.input(byTestId("meeting-at-most"), { target: { value: "1" } });
    await fireEvent.click(byTestId("meeting-setup-confirm"));
    await screen.findByTestId("meeting-ballot");
    expect(ipc.callsOf("open_meeting_ballot")[0]?.args).toMatchObject({
      shortlist: { kind: "band", around: 2 },
      kind: { kind: "choose", at_most: 1 },
    });
  });

  it("shows the core's refusal to open beside the form, which keeps its values", async () => {
    mock({
      open_meeting_ballot: () => {
        throw ipcError(
          "bad_input",
          "输入有误：差额表决应选人数应在 1 到 1 之间（剩余名额 1，候选 2 人，候选须多于应选）：3",
          "Invalid input: a choice must be of 1 to 1 (places left 1, 2 on the ballot, more on it than chosen): 3",
        );
      },
    });
    await showResults();
    await openMeeting();
    await fireEvent.input(byTestId("meeting-at-most"), { target: { value: "3" } });
    await fireEvent.click(byTestId("meeting-setup-confirm"));
    const error = await screen.findByTestId("meeting-setup-error");
    expect(error.textContent).toContain("差额表决应选人数应在 1 到 1 之间");
    expect(error.textContent).toContain("bad_input");
    expect(byTestId("meeting-at-most").value).toBe("3");
    expect(screen.queryByTestId("meeting-ballot")).toBeNull();
    setLang("en");
    await Promise.resolve();
    expect(screen.getByTestId("meeting-setup-error").textContent).toContain("a choice must be of 1 to 1");
  });

  it("records the tally, shows the core's outcome and the results it settled", async () => {
    await showResults();
    await openBallot();
    expect(byTestId<HTMLButtonElement>("meeting-tally-confirm").disabled).toBe(true);
    await fillTally("7", { 14: "5", 15: "2" });
    await fireEvent.click(byTestId("meeting-tally-confirm"));

    const outcome = await screen.findByTestId("meeting-outcome");
    expect(ipc.callsOf("count_meeting_ballot").map((c) => c.args)).toEqual([
      {
        reviewId: review.id,
        ballotId: 7,
        tally: countedTally(),
      },
    ]);
    const entries = within(outcome).getAllByTestId("meeting-outcome-entry");
    expect(entries.map((e) => [e.dataset.nominationId, e.dataset.result])).toEqual([
      ["14", "in"],
      ["15", "out"],
    ]);
    expect(entries[0]!.textContent).toContain("“三全育人”党建品牌");
    expect(entries[0]!.textContent).toContain("入选");
    expect(entries[1]!.textContent).toContain("不入选");
    expect(screen.queryByTestId("meeting-still-tied")).toBeNull();

    // The results are read again: the rows show what the ballot decided, naming it.
    await waitFor(() => expect(row(14).dataset.cut).toBe("in"));
    expect(row(15).dataset.cut).toBe("out");
    const decided = within(row(14)).getByTestId("result-decision");
    expect(decided.dataset.ballot).toBe("7");
    expect(decided.textContent?.trim()).toBe("会评表决 #7：入选");
    expect(within(row(14)).getByTestId("result-decision-reason").textContent).toContain("得票 5 / 到会 7");
    await waitFor(() =>
      expect(
        screen.getAllByTestId("meeting-ballot-row").map((r) => [r.dataset.ballotId, r.dataset.counted]),
      ).toEqual([["7", "true"]]),
    );

    setLang("en");
    await Promise.resolve();
    expect(within(row(14)).getByTestId("result-decision").textContent?.trim()).toBe("Meeting ballot #7: in");
  });

  it("shows a refused tally beside the form and keeps every value typed", async () => {
    mock({
      count_meeting_ballot: () => {
        throw tooMany;
      },
    });
    await showResults();
    await openBallot();
    await fillTally("9", { 14: "5", 15: "2" });
    await fireEvent.click(byTestId("meeting-tally-confirm"));
    const error = await screen.findByTestId("meeting-tally-error");
    expect(error.textContent).toContain("到会专家人数应在 1 到 7 之间");
    expect(byTestId("meeting-present").value).toBe("9");
    expect(countInput(14).value).toBe("5");
    expect(byTestId("meeting-counted-by").value).toBe("王计票");
    expect(screen.queryByTestId("meeting-outcome")).toBeNull();
    expect(byTestId<HTMLButtonElement>("meeting-tally-confirm").disabled).toBe(false);
    expect(row(14).dataset.cut).toBe("tied");
  });

  it("asks a vote for 同意, 不同意 and 弃权 on each", async () => {
    mock({ open_meeting_ballot: () => meetingBallot({ kind: { kind: "vote" } }) });
    await showResults();
    await openMeeting();
    await fireEvent.click(byTestId("meeting-kind-vote"));
    await fireEvent.click(byTestId("meeting-setup-confirm"));
    await screen.findByTestId("meeting-ballot");
    expect(byTestId<HTMLElement>("meeting-ballot-kind").textContent).toBe("逐一表决");
    expect(countInput(14, "disagree").getAttribute("aria-label")).toBe("“三全育人”党建品牌：不同意");
    await fireEvent.input(byTestId("meeting-present"), { target: { value: "7" } });
    for (const [id, a, d, o] of [
      [14, "5", "1", "1"],
      [15, "3", "4", "0"],
    ] as const) {
      await fireEvent.input(countInput(id, "agree"), { target: { value: a } });
      await fireEvent.input(countInput(id, "disagree"), { target: { value: d } });
      await fireEvent.input(countInput(id, "abstain"), { target: { value: o } });
    }
    await fireEvent.input(byTestId("meeting-counted-by"), { target: { value: "王计票" } });
    await fireEvent.input(byTestId("meeting-witnessed-by"), { target: { value: "赵监票" } });
    await fireEvent.click(byTestId("meeting-tally-confirm"));
    await screen.findByTestId("meeting-outcome");
    expect(ipc.callsOf("count_meeting_ballot")[0]?.args).toMatchObject({
      tally: {
        counts: [
          { nomination_id: 14, agree: 5, disagree: 1, abstain: 1 },
          { nomination_id: 15, agree: 3, disagree: 4, abstain: 0 },
        ],
      },
    });
  });

  it("says when the panel must vote again, and opens the next ballot", async () => {
    mock({
      count_meeting_ballot: () => {
        ballots = [meetingBallot({ counted: { ...countedBallot().counted!, outcome: stillTiedOutcome() } })];
        return stillTiedOutcome();
      },
    });
    await showResults();
    await openBallot();
    await fillTally("7", { 14: "5", 15: "5" });
    await fireEvent.click(byTestId("meeting-tally-confirm"));
    const stillTied = await screen.findByTestId("meeting-still-tied");
    expect(stillTied.textContent).toContain("须再次表决");
    const entries = screen.getAllByTestId("meeting-outcome-entry");
    expect(entries.map((e) => e.dataset.result)).toEqual(["tied", "tied"]);
    expect(entries[0]!.textContent).toContain("仍并列，须再次表决");
    expect(entries[0]!.textContent).toContain("得票 5");

    await fireEvent.click(byTestId("meeting-again"));
    expect(screen.queryByTestId("meeting-outcome")).toBeNull();
    expect(byTestId("meeting-shortlist-tied").checked).toBe(true);
    await fireEvent.click(byTestId("meeting-setup-confirm"));
    await screen.findByTestId("meeting-ballot");
    expect(ipc.callsOf("open_meeting_ballot")).toHaveLength(2);
  });

  it("prints the 计票单 where the clerk chose in the save dialog", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-pdf", name: "会评计票单第7号.pdf" });
    await showResults();
    await openBallot();
    await fillTally("7", { 14: "5", 15: "2" });
    await fireEvent.click(byTestId("meeting-tally-confirm"));
    await screen.findByTestId("meeting-outcome");
    const print = within(screen.getByTestId("meeting-dialog")).getByTestId("meeting-sheet-print");
    expect(print.textContent?.trim()).toBe("打印计票单…");
    await fireEvent.click(print);

    const notice = await screen.findByTestId("meeting-sheet-notice");
    expect(notice.textContent).toContain("已保存为 会评计票单第7号.pdf（30.0 KB）");
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0]).toEqual({
      title: "保存会评计票单",
      fileName: "会评计票单第7号（学校党委层面案例）.pdf",
      filterName: "PDF 文件",
      extensions: ["pdf"],
    });
    expect(ipc.callsOf("print_tally_sheet")[0]?.args).toEqual({
      reviewId: review.id,
      ballotId: 7,
      destination: "save-pdf",
    });
  });

  it("closes on Escape without asking anything more, and gives focus back", async () => {
    await showResults();
    const dialog = await openMeeting();
    await fireEvent.keyDown(dialog, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("meeting-dialog")).toBeNull());
    const open = screen.getAllByTestId("meeting-open").find((b) => b.dataset.category === "case_university");
    await waitFor(() => expect(document.activeElement).toBe(open));
    expect(ipc.callsOf("open_meeting_ballot")).toHaveLength(0);
  });
});

describe("the review's earlier ballots", () => {
  it("lists each with its state, prints its sheet, and counts an open one", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-blank", name: "空白计票单.pdf" });
    ballots = [countedBallot(), meetingBallot({ id: 8, kind: { kind: "vote" }, opened_at: "2026-04-21T03:00:00Z" })];
    await showResults();
    const list = await screen.findByTestId("meeting-ballots");
    const rows = within(list).getAllByTestId("meeting-ballot-row");
    expect(rows.map((r) => [r.dataset.ballotId, r.dataset.counted])).toEqual([
      ["7", "true"],
      ["8", "false"],
    ]);
    expect(rows[0]!.textContent).toContain("会评表决 #7");
    expect(rows[0]!.textContent).toContain("差额表决，应选 1 人");
    expect(rows[0]!.textContent).toContain("已计票");
    expect(rows[0]!.textContent).toContain("“三全育人”党建品牌 入选");
    expect(rows[1]!.textContent).toContain("待计票");
    expect(within(rows[0]!).queryByTestId("meeting-count-open")).toBeNull();

    // The open one prints as a blank form to fill in the room.
    await fireEvent.click(within(rows[1]!).getByTestId("meeting-sheet-print"));
    await within(rows[1]!).findByTestId("meeting-sheet-notice");
    expect(ipc.callsOf("print_tally_sheet")[0]?.args).toEqual({
      reviewId: review.id,
      ballotId: 8,
      destination: "save-blank",
    });

    await fireEvent.click(within(rows[1]!).getByTestId("meeting-count-open"));
    const dialog = await screen.findByTestId("meeting-dialog");
    expect(dialog.querySelector("h2")?.textContent).toBe("会评表决 #8：学校党委层面案例");
    expect(screen.getByTestId("meeting-ballot").dataset.ballotId).toBe("8");
    expect(screen.queryByTestId("meeting-setup-confirm")).toBeNull();
    await fireEvent.input(byTestId("meeting-present"), { target: { value: "7" } });
    for (const id of [14, 15]) {
      for (const column of ["agree", "disagree", "abstain"]) {
        await fireEvent.input(countInput(id, column), { target: { value: column === "agree" ? "4" : "1" } });
      }
    }
    await fireEvent.input(byTestId("meeting-counted-by"), { target: { value: "王计票" } });
    await fireEvent.input(byTestId("meeting-witnessed-by"), { target: { value: "赵监票" } });
    await fireEvent.click(byTestId("meeting-tally-confirm"));
    await screen.findByTestId("meeting-outcome");
    expect(ipc.callsOf("count_meeting_ballot")[0]?.args).toMatchObject({ ballotId: 8 });
  });
});
