import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseOpenFiles, chooseSaveFolder } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { MeetingBallot } from "$lib/ipc/types";
import { EXPERT_FINGERPRINT, ipcError, review } from "$lib/testing/fixtures";
import { openBallotCount, openMeeting, showResults } from "$lib/testing/meetingDialog";
import { freshPage } from "$lib/testing/page";
import { clerkKeys } from "$lib/ui/clerkKeys.svelte";
import { chairedCategoryHandlers } from "./chairTallyFixtures";
import {
  PAPER_SHA256,
  countedLaptopBallot,
  laptopBallot,
  laptopOutcome,
  paperWritten,
  secondVote,
  voteReceived,
} from "./laptopBallotFixtures";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

let ipc: MockedCommands;
let ballots: MeetingBallot[];

function mock(overrides: Record<string, CommandHandler> = {}) {
  ipc = mockCommands(
    chairedCategoryHandlers(() => ballots, {
      open_laptop_ballot: () => {
        ballots = [laptopBallot()];
        return laptopBallot();
      },
      write_ballot_paper: () => paperWritten(),
      receive_ballot_vote: (args) => {
        if (args.file === "vote-1") return voteReceived();
        if (args.file === "vote-1-again") return voteReceived({ already_had: true });
        if (args.file === "vote-2") return secondVote();
        throw ipcError(
          "not_a_voter",
          "vote-ballot-12-expert-9.pdvote：投票人不在本次表决的投票人名单中",
          "vote-ballot-12-expert-9.pdvote: the voter is not one of this ballot's voters",
        );
      },
      count_ballot_votes: () => {
        ballots = [countedLaptopBallot()];
        return laptopOutcome();
      },
      print_tally_sheet: () => 30720,
      ...overrides,
    }),
  );
}

beforeEach(() => {
  freshPage({ clerkUnlocked: true });
  vi.mocked(chooseSaveFolder).mockReset();
  vi.mocked(chooseOpenFiles).mockReset();
  ballots = [];
  mock();
});
afterEach(() => {
  setLang("zh-CN");
  clearCommandMocks();
});

const byTestId = <T extends HTMLElement = HTMLInputElement>(id: string) => screen.getByTestId(id) as unknown as T;

/** The laptop ballot, listed and opened for its count. */
async function countLaptopBallot(ballot: MeetingBallot = laptopBallot()) {
  ballots = [ballot];
  return openBallotCount("ballot-laptops");
}

const voters = () => screen.getAllByTestId("ballot-voter").map((v) => [v.dataset.expertId, v.dataset.received]);

describe("opening a ballot the experts vote on their own laptops", () => {
  it("is a third way to vote, opened through its own command", async () => {
    await showResults();
    await openMeeting();
    expect(byTestId("meeting-voting-room").checked).toBe(true);
    expect(byTestId("meeting-voting-laptops").closest("label")?.textContent?.trim()).toBe("专家在各自电脑上投票");
    await fireEvent.click(byTestId("meeting-voting-laptops"));
    expect(screen.queryByTestId("meeting-chair")).toBeNull();
    expect(byTestId<HTMLElement>("meeting-voting-hint").textContent).toContain("投票人为开启时已登记密钥的专家（目前 1 位）");

    await fireEvent.click(byTestId("meeting-setup-confirm"));
    await screen.findByTestId("ballot-laptops");
    expect(ipc.callsOf("open_laptop_ballot").map((c) => c.args)).toEqual([
      {
        reviewId: review.id,
        categoryKey: "case_university",
        shortlist: { kind: "tied_at_cut" },
        kind: { kind: "choose", at_most: null },
      },
    ]);
    expect(ipc.callsOf("open_meeting_ballot")).toHaveLength(0);
    expect(byTestId<HTMLElement>("meeting-ballot-laptops").textContent).toBe("专家在各自电脑上投票");
    // Everyone who may vote, none of them in yet; nothing to type a count into.
    expect(voters()).toEqual([
      ["1", "false"],
      ["2", "false"],
      ["3", "false"],
    ]);
    expect(byTestId<HTMLElement>("ballot-voters-count").textContent).toContain("已收到 0 份 / 共 3 位");
    expect(screen.getByTestId("ballot-paper-not-written")).toBeTruthy();
    expect(screen.queryByTestId("meeting-tally-confirm")).toBeNull();
    expect(screen.queryByTestId("meeting-count")).toBeNull();
    expect(byTestId<HTMLButtonElement>("ballot-count-confirm").disabled).toBe(true);

    setLang("en");
    await waitFor(() => expect(byTestId<HTMLElement>("ballot-voters-count").textContent).toContain("0 of 3 votes received"));
  });
});

describe("a laptop ballot's round", () => {
  it("writes the ballot paper into the folder picked, and says its name and hash", async () => {
    vi.mocked(chooseSaveFolder).mockResolvedValue({ handle: "stick", name: "U盘" });
    await countLaptopBallot();
    await fireEvent.click(byTestId("ballot-paper-write"));
    const written = await screen.findByTestId("ballot-paper-written");
    expect(written.textContent).toContain("已写出 ballot-12.pdballot，请交各位专家在本人电脑上投票");
    expect(written.textContent).toContain(PAPER_SHA256);
    expect(vi.mocked(chooseSaveFolder)).toHaveBeenCalledWith({ title: "选择保存选票文件的文件夹（例如 U 盘）" });
    expect(ipc.callsOf("write_ballot_paper").map((c) => c.args)).toEqual([{ reviewId: review.id, ballotId: 12, folder: "stick" }]);
  });

  it("writes nothing when the folder dialog is cancelled, and shows the core's refusal with its code", async () => {
    vi.mocked(chooseSaveFolder).mockResolvedValueOnce(null);
    await countLaptopBallot();
    await fireEvent.click(byTestId("ballot-paper-write"));
    await waitFor(() => expect(vi.mocked(chooseSaveFolder)).toHaveBeenCalledTimes(1));
    expect(ipc.callsOf("write_ballot_paper")).toHaveLength(0);

    mock({
      write_ballot_paper: () => {
        throw ipcError("bad_input", "输入有误：会评表决 #12 已计票", "Invalid input: meeting ballot #12 is counted");
      },
    });
    vi.mocked(chooseSaveFolder).mockResolvedValue({ handle: "stick", name: "U盘" });
    await fireEvent.click(byTestId("ballot-paper-write"));
    const error = await screen.findByTestId("ballot-paper-error");
    expect(error.textContent).toContain("会评表决 #12 已计票");
    expect(byTestId<HTMLElement>("ballot-paper-error-code").textContent).toContain("bad_input");
  });

  it("says a paper written before stays the same paper", async () => {
    await countLaptopBallot({ ...laptopBallot(), laptops: { ...laptopBallot().laptops!, paper_sha256: PAPER_SHA256 } });
    expect(byTestId<HTMLElement>("ballot-paper-written-before").textContent).toContain(PAPER_SHA256);
    expect(screen.queryByTestId("ballot-paper-not-written")).toBeNull();
  });

  it("asks for the clerk's keys before writing the paper", async () => {
    clerkKeys.status = null;
    mock({ clerk_keys_status: () => ({ state: "protected", unlocked: false, fingerprint: "7265-BF32-C747-3197-FD60" }) });
    await countLaptopBallot();
    await screen.findByTestId("clerk-key-gate");
    expect(screen.queryByTestId("ballot-paper-write")).toBeNull();
    // Receiving votes needs no key of the clerk's: they are signed, not sealed.
    expect(screen.getByTestId("ballot-votes-receive")).toBeTruthy();
  });

  it("receives the vote files picked, one verdict each, and marks who has voted", async () => {
    vi.mocked(chooseOpenFiles).mockResolvedValue([
      { handle: "vote-1", name: "vote-ballot-12-expert-1.pdvote" },
      { handle: "vote-1-again", name: "vote-ballot-12-expert-1 (copy).pdvote" },
      { handle: "forged", name: "vote-ballot-12-expert-9.pdvote" },
    ]);
    await countLaptopBallot();
    const reads = ipc.callsOf("meeting_ballots").length;
    await fireEvent.click(byTestId("ballot-votes-receive"));

    const list = await screen.findByTestId("ballot-votes");
    expect(vi.mocked(chooseOpenFiles)).toHaveBeenCalledWith({
      title: "选择专家交回的投票文件（可多选）",
      filterName: "PanelDesk 投票文件",
      extensions: ["pdvote"],
      multiple: true,
    });
    expect(ipc.callsOf("receive_ballot_vote").map((c) => c.args)).toEqual([
      { reviewId: review.id, ballotId: 12, file: "vote-1" },
      { reviewId: review.id, ballotId: 12, file: "vote-1-again" },
      { reviewId: review.id, ballotId: 12, file: "forged" },
    ]);
    const receipts = within(list).getAllByTestId("ballot-vote-receipt");
    expect(receipts.map((r) => r.dataset.outcome)).toEqual(["accepted", "already_have", "refused"]);
    expect(receipts[0]!.textContent).toContain("vote-ballot-12-expert-1.pdvote");
    expect(receipts[0]!.textContent).toContain("已收取 王喆 的选票（已收到 1 / 3）");
    expect(within(receipts[0]!).getByTestId("ballot-vote-receipt-fingerprint").textContent).toBe(EXPERT_FINGERPRINT);
    expect(receipts[1]!.textContent).toContain("王喆 的这份选票此前已收到");
    expect(within(receipts[2]!).getByTestId("ballot-vote-receipt-message").textContent).toContain("投票人不在本次表决的投票人名单中");
    expect(within(receipts[2]!).getByTestId("ballot-vote-receipt-code").textContent).toContain("not_a_voter");
    expect(byTestId<HTMLElement>("ballot-votes-summary").textContent).toBe(
      "本次导入 3 个文件：收取 1 份，此前已收到 1 份，未收取 1 个。",
    );
    expect(voters()).toEqual([
      ["1", "true"],
      ["2", "false"],
      ["3", "false"],
    ]);
    expect(byTestId<HTMLElement>("ballot-voters-count").textContent).toContain("已收到 1 份 / 共 3 位");
    // The list of ballots is read again.
    await waitFor(() => expect(ipc.callsOf("meeting_ballots").length).toBeGreaterThan(reads));

    setLang("en");
    await waitFor(() =>
      expect(screen.getAllByTestId("ballot-vote-receipt-message")[0]!.textContent).toContain("not one of this ballot's voters"),
    );
  });

  it("receives nothing when the file dialog is cancelled", async () => {
    vi.mocked(chooseOpenFiles).mockResolvedValue(null);
    await countLaptopBallot();
    await fireEvent.click(byTestId("ballot-votes-receive"));
    await waitFor(() => expect(vi.mocked(chooseOpenFiles)).toHaveBeenCalledTimes(1));
    expect(ipc.callsOf("receive_ballot_vote")).toHaveLength(0);
    expect(screen.queryByTestId("ballot-votes")).toBeNull();
  });

  it("counts once a vote is in, names who counted, and shows what the core decided", async () => {
    await countLaptopBallot(laptopBallot({}, [1, 2]));
    expect(voters()).toEqual([
      ["1", "true"],
      ["2", "true"],
      ["3", "false"],
    ]);
    const confirm = byTestId<HTMLButtonElement>("ballot-count-confirm");
    expect(confirm.disabled).toBe(true);
    await fireEvent.input(byTestId("ballot-counted-by"), { target: { value: "王计票" } });
    expect(confirm.disabled).toBe(true);
    await fireEvent.input(byTestId("ballot-witnessed-by"), { target: { value: "赵监票" } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);

    const outcome = await screen.findByTestId("meeting-outcome");
    expect(ipc.callsOf("count_ballot_votes").map((c) => c.args)).toEqual([
      { reviewId: review.id, ballotId: 12, countedBy: "王计票", witnessedBy: "赵监票" },
    ]);
    expect(within(outcome).getAllByTestId("meeting-outcome-entry").map((e) => e.dataset.result)).toEqual(["in", "out"]);
    expect(byTestId<HTMLElement>("ballot-counted-from").textContent).toBe("已按 2 位专家的签名选票计票。");
    expect(screen.queryByTestId("ballot-laptops")).toBeNull();
    // The 计票单, as after any count.
    const dialog = screen.getByTestId("meeting-dialog");
    expect(within(dialog).getByTestId("meeting-sheet-print").textContent?.trim()).toBe("打印计票单…");
    // Who voted what is never on screen: only who voted, and the totals.
    expect(dialog.textContent).not.toContain("不同意");
    // The list reads the ballots again: counted from the signed votes.
    await waitFor(() => expect(screen.getByTestId("meeting-laptops-state").dataset.state).toBe("counted"));
    expect(screen.getByTestId("meeting-laptops-state").textContent).toContain("按 2 份签名选票计票");
  });

  it("cannot count before any vote is in", async () => {
    await countLaptopBallot();
    await fireEvent.input(byTestId("ballot-counted-by"), { target: { value: "王计票" } });
    await fireEvent.input(byTestId("ballot-witnessed-by"), { target: { value: "赵监票" } });
    expect(byTestId<HTMLButtonElement>("ballot-count-confirm").disabled).toBe(true);
  });

  it("shows the core's refusal to count below the quorum, and counts nothing", async () => {
    mock({
      count_ballot_votes: () => {
        throw ipcError(
          "impossible_tally",
          "计票结果不可能：到会 1 人，少于法定人数 5 人",
          "An impossible tally: 1 present, below the quorum of 5",
        );
      },
    });
    await countLaptopBallot(laptopBallot({}, [1]));
    await fireEvent.input(byTestId("ballot-counted-by"), { target: { value: "王计票" } });
    await fireEvent.input(byTestId("ballot-witnessed-by"), { target: { value: "赵监票" } });
    await fireEvent.click(byTestId("ballot-count-confirm"));
    const error = await screen.findByTestId("ballot-count-error");
    expect(error.textContent).toContain("少于法定人数");
    expect(error.textContent).toContain("impossible_tally");
    expect(screen.queryByTestId("meeting-outcome")).toBeNull();
    expect(byTestId("ballot-counted-by").value).toBe("王计票");
    expect(byTestId<HTMLButtonElement>("ballot-count-confirm").disabled).toBe(false);
  });
});

describe("the list of ballots", () => {
  it("says how many votes a laptop ballot has received, and what it was counted from", async () => {
    ballots = [laptopBallot({}, [1]), { ...countedLaptopBallot(), id: 13 }];
    await showResults();
    const rows = await screen.findAllByTestId("meeting-ballot-row");
    const state = (row: HTMLElement) => within(row).getByTestId("meeting-laptops-state");
    expect(state(rows[0]!).dataset.state).toBe("voting");
    expect(state(rows[0]!).textContent).toContain("专家电脑投票：已收到 1 / 3");
    expect(state(rows[1]!).dataset.state).toBe("counted");
    expect(state(rows[1]!).textContent).toContain("按 2 份签名选票计票");

    setLang("en");
    await waitFor(() => expect(state(rows[0]!).textContent).toContain("Laptop vote: 1 of 3 received"));
  });
});
