import { fireEvent, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chooseSaveFolder } from "$lib/ipc/dialog";
import { clearCommandMocks } from "$lib/ipc/mock";
import type { Incomplete } from "$lib/ipc/types";
import { EXPERT_FINGERPRINT, PANEL_HASH, enrolment, panelViewFixture, pointsOutOfRange, submission } from "$lib/testing/fixtures";
import { mockPanel } from "$lib/testing/panelMock";
import { freshPage } from "$lib/testing/page";
import { openExpertScreen } from "$lib/testing/expertScreen";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

const incomplete: Incomplete[] = [
  { nomination_id: 103, display_name: "机械学院教工党支部", category_key: "model_branch", missing: [{ kind: "criterion", key: "c2" }, { kind: "comment", min_chars: 20 }] },
  { nomination_id: 104, display_name: "实验室里的党小组", category_key: "case_branch", missing: [{ kind: "vote" }] },
];

beforeEach(() => {
  freshPage();
  vi.mocked(chooseSaveFolder).mockResolvedValue({ handle: "usb-stick", name: "U盘" });
});
afterEach(clearCommandMocks);


describe("submitting", () => {
  it("lists what is incomplete, jumps to a row, and never submits meanwhile", async () => {
    const { ipc } = mockPanel({ handlers: { panel_incomplete: () => incomplete, submit_scores: () => submission() } });
    await openExpertScreen();
    await fireEvent.click(screen.getByTestId("submit-open"));

    const items = await screen.findAllByTestId("incomplete-item");
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain("机械学院教工党支部");
    expect(items[0]!.textContent).toContain("缺：管理党员有力、评语（至少 20 字）");
    expect(items[1]!.textContent).toContain("基层党支部层面案例");
    expect(items[1]!.textContent).toContain("缺：投票");
    expect(screen.queryByTestId("submit-pin")).toBeNull();
    expect(screen.queryByTestId("submit-confirm")).toBeNull();

    await fireEvent.click(items[1]!);
    await waitFor(() => expect((document.activeElement as HTMLElement | null)?.dataset.nomination).toBe("104"));
    expect(screen.getByTestId("score-grid").dataset.category).toBe("case_branch");
    expect(ipc.callsOf("submit_scores")).toHaveLength(0);
  });

  it("submits with the passphrase and the chosen folder, then says the stick can be removed", async () => {
    const { ipc, state } = mockPanel({
      handlers: {
        submit_scores: () => {
          state.view = panelViewFixture({ enrolment: { ...enrolment, locked: true }, submissions: [submission()] });
          return submission();
        },
      },
    });
    await openExpertScreen();
    await fireEvent.click(screen.getByTestId("submit-open"));
    expect((await screen.findByTestId("submit-complete")).textContent).toContain("全部推荐对象均已评分或回避");
    expect((screen.getByTestId("submit-confirm") as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByTestId("submit-folder"));
    await waitFor(() => expect(screen.getByTestId("submit-folder-path").textContent).toBe("U盘"));
    await fireEvent.input(screen.getByTestId("submit-pin"), { target: { value: "271828" } });
    await fireEvent.click(screen.getByTestId("submit-confirm"));

    const done = await screen.findByTestId("submit-done");
    expect(done.textContent).toContain("已写入并校验，可以取下 U 盘");
    expect(done.textContent).toContain("/media/wangzhe/U盘/2026年样板支部评审-王喆-1.pdresult");
    expect(done.textContent).toContain("第 1 版");
    expect(done.textContent).toContain(EXPERT_FINGERPRINT);
    expect(ipc.callsOf("submit_scores")[0]?.args).toEqual({ hash: PANEL_HASH, pin: "271828", destination: "usb-stick" });
    // Locked now: nothing can be edited, and no second submit is offered.
    await waitFor(() => expect(screen.getByTestId("locked-panel")).toBeTruthy());
    expect(screen.queryByTestId("submit-open")).toBeNull();
    expect(screen.getAllByTestId("score-cell").every((c) => (c as HTMLInputElement).disabled)).toBe(true);
    expect(screen.queryByTestId("recuse-button")).toBeNull();
  });

  it("asks for the folder on confirm when none was chosen, and shows a wrong passphrase inline", async () => {
    const { ipc } = mockPanel({
      handlers: {
        submit_scores: () => {
          throw { code: "wrong_passphrase", message_zh: "口令不正确", message_en: "Wrong passphrase" };
        },
      },
    });
    await openExpertScreen();
    await fireEvent.click(screen.getByTestId("submit-open"));
    await fireEvent.input(await screen.findByTestId("submit-pin"), { target: { value: "000000" } });
    await fireEvent.click(screen.getByTestId("submit-confirm"));

    const error = await screen.findByTestId("submit-error");
    expect(error.textContent).toContain("口令不正确");
    expect(vi.mocked(chooseSaveFolder)).toHaveBeenCalledTimes(1);
    expect(ipc.callsOf("submit_scores")[0]?.args).toMatchObject({ pin: "000000", destination: "usb-stick" });
    expect(screen.queryByTestId("submit-done")).toBeNull();
  });

  it("does nothing when the folder dialog is cancelled", async () => {
    vi.mocked(chooseSaveFolder).mockResolvedValue(null);
    const { ipc } = mockPanel({ handlers: { submit_scores: () => submission() } });
    await openExpertScreen();
    await fireEvent.click(screen.getByTestId("submit-open"));
    await fireEvent.input(await screen.findByTestId("submit-pin"), { target: { value: "271828" } });
    await fireEvent.click(screen.getByTestId("submit-confirm"));
    await waitFor(() => expect(vi.mocked(chooseSaveFolder)).toHaveBeenCalled());
    expect(ipc.callsOf("submit_scores")).toHaveLength(0);
  });

  it("refuses to submit while a cell shows a refused value, and leads to it", async () => {
    const { ipc } = mockPanel({
      handlers: {
        set_points: () => {
          throw pointsOutOfRange;
        },
        submit_scores: () => submission(),
      },
    });
    await openExpertScreen();
    const input = screen.getAllByTestId("score-cell").find((c) => c.dataset.nomination === "101" && c.dataset.criterion === "c1")!;
    await fireEvent.input(input, { target: { value: "16" } });
    await fireEvent.change(input);
    await waitFor(() => expect(input.dataset.state).toBe("error"));

    await fireEvent.click(screen.getByTestId("submit-open"));
    const warning = await screen.findByTestId("unsaved-warning");
    expect(warning.textContent).toContain("化学系第一党支部");
    await fireEvent.input(await screen.findByTestId("submit-pin"), { target: { value: "271828" } });
    expect((screen.getByTestId("submit-confirm") as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByTestId("unsaved-item"));
    await waitFor(() => expect(document.activeElement).toBe(input));
    await fireEvent.keyDown(input, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("unsaved-warning")).toBeNull());
    expect((screen.getByTestId("submit-confirm") as HTMLButtonElement).disabled).toBe(false);
    expect(ipc.callsOf("submit_scores")).toHaveLength(0);
  });
});

describe("a submitted panel", () => {
  it("lists the submissions and reopens for a correction sent as a new version", async () => {
    const locked = panelViewFixture({ enrolment: { ...enrolment, locked: true }, submissions: [submission()] });
    const { ipc } = mockPanel({ view: locked, handlers: { reopen_scores: () => panelViewFixture({ submissions: [submission()] }) } });
    await openExpertScreen();

    const panel = screen.getByTestId("locked-panel");
    expect(panel.textContent).toContain("评分已提交并锁定");
    expect(screen.getAllByTestId("submission-row")[0]!.textContent).toContain("第 1 版");
    expect(panel.textContent).toContain("更正将作为新版本（第 2 版）发送");
    expect(screen.queryByTestId("submit-open")).toBeNull();

    await fireEvent.click(screen.getByTestId("reopen-scores"));
    await waitFor(() => expect(screen.queryByTestId("locked-panel")).toBeNull());
    expect(ipc.callsOf("reopen_scores")[0]?.args).toEqual({ hash: PANEL_HASH });
    expect(screen.getByTestId("submit-open")).toBeTruthy();
    expect(screen.getAllByTestId("score-cell").some((c) => !(c as HTMLInputElement).disabled)).toBe(true);
  });
});
