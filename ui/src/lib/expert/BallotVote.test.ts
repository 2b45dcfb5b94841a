import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseOpenFiles, chooseSaveFolder } from "$lib/ipc/dialog";
import { paperShown, voteCast } from "$lib/results/laptopBallotFixtures";
import { EXPERT_FINGERPRINT, PANEL_HASH, ipcError } from "$lib/testing/fixtures";
import { mockPanel } from "$lib/testing/panelMock";
import { PASSPHRASE, answerDialogs, byTestId, openBeforeEnrolment, openPanel, signWith } from "$lib/testing/signedFile";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

answerDialogs({ handle: "paper-file", name: "ballot-12.pdballot" });

const entry = (id: number) => screen.getAllByTestId("ballot-vote-entry").find((e) => e.dataset.nominationId === String(id))!;
const mark = (id: number, word: string) =>
  within(entry(id))
    .getAllByTestId("ballot-vote-mark")
    .find((m) => m.dataset.mark === word) as HTMLInputElement;
const save = () => byTestId<HTMLButtonElement>("ballot-vote-save");

async function openPaper() {
  await openPanel("ballot-vote");
  return screen.findByTestId("ballot-vote-paper");
}

describe("an expert votes on a ballot paper on their own laptop", () => {
  it("shows the rule and every nomination on it, from the paper picked", async () => {
    const { ipc } = mockPanel({ handlers: { read_ballot_paper: () => paperShown() } });
    const paper = await openPaper();

    expect(vi.mocked(chooseOpenFiles)).toHaveBeenCalledWith({
      title: "选择工作人员交来的选票文件",
      filterName: "PanelDesk 选票文件",
      extensions: ["pdballot"],
      multiple: false,
    });
    expect(ipc.callsOf("read_ballot_paper").map((c) => c.args)).toEqual([{ hash: PANEL_HASH, file: "paper-file" }]);
    expect(paper.dataset.ballotId).toBe("12");
    expect(paper.textContent).toContain("2026年基层党建创新典型案例评审 · 会评表决 #12：学校党委层面案例");
    expect(paper.textContent).toContain("逐一表决");
    expect(byTestId("ballot-vote-voter").textContent).toBe("投票人：王喆");
    expect(byTestId("ballot-vote-rule").textContent).toContain("同意票超过到会专家半数者通过");
    const rows = screen.getAllByTestId("ballot-vote-entry");
    expect(rows.map((r) => r.dataset.nominationId)).toEqual(["14", "15", "16"]);
    expect(rows[0]!.textContent).toContain("“三全育人”党建品牌");
    expect(rows[0]!.textContent).toContain("东川理工大学");
    expect(rows[0]!.textContent).toContain("80.00");
    expect(rows[2]!.textContent).toContain("71.25");
    // Three words on each row, none chosen yet.
    expect(within(rows[0]!).getAllByTestId("ballot-vote-mark").map((m) => m.dataset.mark)).toEqual(["agree", "disagree", "abstain"]);
    expect(within(rows[0]!).getByRole("radiogroup").getAttribute("aria-label")).toBe("对 “三全育人”党建品牌 的表决");
    expect(save().disabled).toBe(true);

    setLang("en");
    await waitFor(() => expect(byTestId("ballot-vote-rule").textContent).toContain("more than half of those present"));
    expect(within(entry(14)).getByText("Against")).toBeTruthy();
  });

  it("saves a vote only once every row is marked, signed into the folder picked", async () => {
    const { ipc } = mockPanel({ handlers: { read_ballot_paper: () => paperShown(), cast_ballot_vote: () => voteCast() } });
    await openPaper();
    await fireEvent.input(byTestId("ballot-vote-passphrase"), { target: { value: PASSPHRASE } });
    await fireEvent.click(mark(14, "agree"));
    await fireEvent.click(mark(15, "disagree"));
    expect(byTestId("ballot-vote-progress").textContent).toContain("已表决 2 / 共 3 项");
    expect(byTestId("ballot-vote-progress").textContent).toContain("请对每一项表决后再签名保存");
    expect(save().disabled).toBe(true);
    await fireEvent.click(mark(16, "agree"));
    // A change of mind before saving: the last word counts.
    await fireEvent.click(mark(16, "abstain"));
    expect(byTestId("ballot-vote-progress").textContent).toContain("已表决 3 / 共 3 项");
    expect(save().disabled).toBe(false);
    await fireEvent.click(save());

    const done = await screen.findByTestId("ballot-vote-done");
    expect(vi.mocked(chooseSaveFolder)).toHaveBeenCalledWith({ title: "选择保存投票文件的文件夹（例如 U 盘）" });
    expect(ipc.callsOf("cast_ballot_vote").map((c) => c.args)).toEqual([
      {
        hash: PANEL_HASH,
        file: "paper-file",
        marks: [
          { nomination_id: 14, mark: "agree" },
          { nomination_id: 15, mark: "disagree" },
          { nomination_id: 16, mark: "abstain" },
        ],
        passphrase: PASSPHRASE,
        folder: "stick",
      },
    ]);
    expect(done.textContent).toContain("已签名并校验，保存为所选文件夹中的 vote-ballot-12-expert-1.pdvote");
    expect(done.textContent).toContain("请向工作人员宣读签名密钥指纹");
    expect(byTestId("ballot-vote-fingerprint").textContent).toBe(EXPERT_FINGERPRINT);
    // Neither the passphrase nor the marks stay on screen.
    expect(screen.queryByTestId("ballot-vote-passphrase")).toBeNull();
    expect(screen.queryAllByTestId("ballot-vote-mark")).toHaveLength(0);
  });

  it("ticks at most k in a choice, and sends every row chosen or not", async () => {
    const { ipc } = mockPanel({
      handlers: { read_ballot_paper: () => paperShown({ kind: "choose", at_most: 2 }), cast_ballot_vote: () => voteCast() },
    });
    const paper = await openPaper();
    expect(paper.dataset.kind).toBe("choose");
    expect(paper.textContent).toContain("差额表决，应选 2 人");
    expect(within(entry(14)).getAllByTestId("ballot-vote-mark").map((m) => m.dataset.mark)).toEqual(["chosen"]);
    expect(byTestId("ballot-vote-chosen").textContent).toContain("已选 0 / 最多 2");
    expect(byTestId("ballot-vote-chosen").textContent).toContain("一人不选即为空白票");

    await fireEvent.click(mark(14, "chosen"));
    await fireEvent.click(mark(16, "chosen"));
    expect(byTestId("ballot-vote-chosen").textContent).toContain("已选 2 / 最多 2");
    expect(byTestId("ballot-vote-full").textContent).toContain("已选满 2 人");
    // The third cannot be ticked; the two ticked can be unticked.
    expect(mark(15, "chosen").disabled).toBe(true);
    expect(mark(14, "chosen").disabled).toBe(false);
    await fireEvent.click(mark(14, "chosen"));
    expect(mark(15, "chosen").disabled).toBe(false);
    await fireEvent.click(mark(15, "chosen"));
    expect(mark(14, "chosen").disabled).toBe(true);

    await signWith("ballot-vote", "ballot-vote-save");
    await screen.findByTestId("ballot-vote-done");
    expect(ipc.callsOf("cast_ballot_vote")[0]?.args.marks).toEqual([
      { nomination_id: 14, mark: "not_chosen" },
      { nomination_id: 15, mark: "chosen" },
      { nomination_id: 16, mark: "chosen" },
    ]);

    setLang("en");
    await waitFor(() => expect(byTestId("ballot-vote-done").textContent).toContain("Hand it back to the clerk"));
  });

  it("casts a blank choice: every row not chosen", async () => {
    const { ipc } = mockPanel({
      handlers: { read_ballot_paper: () => paperShown({ kind: "choose", at_most: 2 }), cast_ballot_vote: () => voteCast() },
    });
    await openPaper();
    await fireEvent.input(byTestId("ballot-vote-passphrase"), { target: { value: PASSPHRASE } });
    expect(save().disabled).toBe(false);
    await fireEvent.click(save());
    await screen.findByTestId("ballot-vote-done");
    expect(ipc.callsOf("cast_ballot_vote")[0]?.args.marks).toEqual([
      { nomination_id: 14, mark: "not_chosen" },
      { nomination_id: 15, mark: "not_chosen" },
      { nomination_id: 16, mark: "not_chosen" },
    ]);
  });

  it("casts nothing when the folder dialog is cancelled", async () => {
    const { ipc } = mockPanel({ handlers: { read_ballot_paper: () => paperShown({ kind: "choose", at_most: 2 }), cast_ballot_vote: () => voteCast() } });
    vi.mocked(chooseSaveFolder).mockResolvedValueOnce(null);
    await openPaper();
    await signWith("ballot-vote", "ballot-vote-save");
    await waitFor(() => expect(vi.mocked(chooseSaveFolder)).toHaveBeenCalledTimes(1));
    expect(ipc.callsOf("cast_ballot_vote")).toHaveLength(0);
    expect(screen.queryByTestId("ballot-vote-done")).toBeNull();
    // What was marked stays.
    expect(screen.getAllByTestId("ballot-vote-entry")).toHaveLength(3);
  });

  it("shows a wrong passphrase inline with its code, marks the field and keeps the marks", async () => {
    mockPanel({
      handlers: {
        read_ballot_paper: () => paperShown({ kind: "choose", at_most: 2 }),
        cast_ballot_vote: () => {
          throw ipcError("wrong_passphrase", "口令不正确", "Wrong passphrase");
        },
      },
    });
    await openPaper();
    await fireEvent.click(mark(15, "chosen"));
    await signWith("ballot-vote", "ballot-vote-save", "not it at all");
    const error = await screen.findByTestId("ballot-vote-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("口令不正确");
    expect(byTestId("ballot-vote-error-code").textContent).toContain("wrong_passphrase");
    expect(byTestId("ballot-vote-passphrase").getAttribute("aria-invalid")).toBe("true");
    expect(mark(15, "chosen").checked).toBe(true);
    expect(screen.queryByTestId("ballot-vote-done")).toBeNull();
  });

  it("shows the core's refusal of a paper this expert may not vote on, and offers nothing to mark", async () => {
    mockPanel({
      handlers: {
        read_ballot_paper: () => {
          throw ipcError(
            "not_a_voter",
            "ballot-12.pdballot：您不在本次表决的投票人名单中",
            "ballot-12.pdballot: you are not one of this ballot's voters",
          );
        },
      },
    });
    await openPanel("ballot-vote");
    const error = await screen.findByTestId("ballot-vote-error");
    expect(error.textContent).toContain("您不在本次表决的投票人名单中");
    expect(byTestId("ballot-vote-error-code").textContent).toContain("not_a_voter");
    expect(screen.queryByTestId("ballot-vote-paper")).toBeNull();
    expect(screen.queryByTestId("ballot-vote-save")).toBeNull();

    setLang("en");
    await waitFor(() => expect(byTestId("ballot-vote-error").textContent).toContain("not one of this ballot's voters"));
  });

  it("stays closed when the file dialog is cancelled", async () => {
    const { ipc } = mockPanel();
    vi.mocked(chooseOpenFiles).mockResolvedValueOnce(null);
    await openPanel("ballot-vote");
    await waitFor(() => expect(vi.mocked(chooseOpenFiles)).toHaveBeenCalledTimes(1));
    expect(ipc.callsOf("read_ballot_paper")).toHaveLength(0);
    expect(screen.queryByTestId("ballot-vote-panel")).toBeNull();
  });
});

describe("before enrolment", () => {
  it("offers no ballot to vote on", async () => {
    await openBeforeEnrolment();
    expect(screen.queryByTestId("ballot-vote-open")).toBeNull();
  });
});
