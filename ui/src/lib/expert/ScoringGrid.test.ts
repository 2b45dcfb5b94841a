import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks } from "$lib/ipc/mock";
import { PANEL_HASH, panelCategories, panelPackage, panelViewFixture, pointsOutOfRange } from "$lib/testing/fixtures";
import { mockPanel } from "$lib/testing/panelMock";
import { freshPage } from "$lib/testing/page";
import { openExpertScreen, scoreCell, scoreRow } from "$lib/testing/expertScreen";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

beforeEach(() => {
  freshPage();
});
afterEach(clearCommandMocks);




describe("the scoring grid", () => {
  it("shows per-category progress, the criteria with their bounds, and the expert's fingerprint", async () => {
    mockPanel();
    await openExpertScreen();
    const progress = screen.getAllByTestId("category-progress");
    expect(progress.map((p) => p.dataset.category)).toEqual(["model_branch", "case_branch"]);
    expect(progress[0]!.textContent).toContain("已完成 1 / 3");
    expect(progress[0]!.textContent).toContain("回避 1");
    expect(progress[0]!.getAttribute("aria-selected")).toBe("true");

    const grid = screen.getByTestId("score-grid");
    expect(grid.textContent).toContain("教育党员有力");
    expect(grid.textContent).toContain("满分 15 · 步长 0.5");
    expect(screen.getAllByTestId("score-row").map((r) => r.dataset.nomination)).toEqual(["101", "102", "103"]);
    const input = scoreCell(101, "c1");
    expect(input.type).toBe("number");
    expect(input.min).toBe("0");
    expect(input.max).toBe("15");
    expect(input.step).toBe("0.5");
    expect(screen.getByTestId("expert-fingerprint").textContent).toBe("F909-E595-008C-AB93-83F9");
  });

  it("sends an entered score to the core and shows it saved only once the core answered", async () => {
    let release: () => void = () => {};
    const { ipc, state } = mockPanel({
      handlers: {
        // The core's answer is held back to see the cell before and after it.
        set_points: (args) =>
          new Promise((resolve) => {
            release = () => {
              const item = state.items.get(101)!;
              item.criteria.c1 = Number(args.points);
              // The core's running total comes back with the item.
              item.entered = { total: Number(args.points), max: 30, entered: true, complete: false };
              resolve(structuredClone(item));
            };
          }),
      },
    });
    await openExpertScreen();

    const input = scoreCell(101, "c1");
    await fireEvent.input(input, { target: { value: "12.5" } });
    expect(input.dataset.state).toBe("dirty");
    await fireEvent.change(input);
    await waitFor(() => expect(scoreCell(101, "c1").dataset.state).toBe("saving"));
    expect(within(scoreRow(101)).queryByText("已保存")).toBeNull();

    release();
    await waitFor(() => expect(scoreCell(101, "c1").dataset.state).toBe("saved"));
    expect(ipc.callsOf("set_points").map((c) => c.args)).toEqual([
      { hash: PANEL_HASH, nominationId: 101, criterionKey: "c1", points: 12.5 },
    ]);
    expect(within(scoreRow(101)).getByText("已保存")).toBeTruthy();
    expect(within(scoreRow(101)).getByTestId("score-total").textContent).toContain("12.5");

    // Blur after change does not send the same value again.
    await fireEvent.blur(scoreCell(101, "c1"));
    expect(ipc.callsOf("set_points")).toHaveLength(1);
    // Progress is read again from the core after a save.
    await waitFor(() => expect(ipc.callsOf("panel_view").length).toBeGreaterThan(1));
  });

  it("clears a score when the cell is emptied", async () => {
    const { ipc } = mockPanel();
    await openExpertScreen();
    await fireEvent.input(scoreCell(103, "c2"), { target: { value: "7" } });
    await fireEvent.keyDown(scoreCell(103, "c2"), { key: "Enter" });
    await waitFor(() => expect(scoreCell(103, "c2").dataset.state).toBe("saved"));
    await fireEvent.input(scoreCell(103, "c2"), { target: { value: "" } });
    await fireEvent.blur(scoreCell(103, "c2"));
    await waitFor(() => expect(ipc.callsOf("set_points")).toHaveLength(2));
    expect(ipc.callsOf("set_points")[1]?.args).toMatchObject({ nominationId: 103, criterionKey: "c2", points: null });
  });

  it("shows the core's refusal inline and keeps the typed value, marked invalid", async () => {
    mockPanel({
      handlers: {
        set_points: () => {
          throw pointsOutOfRange;
        },
      },
    });
    await openExpertScreen();
    const input = scoreCell(101, "c1");
    await fireEvent.input(input, { target: { value: "16" } });
    await fireEvent.keyDown(input, { key: "Enter" });

    const error = await within(scoreRow(101)).findByTestId("cell-error");
    expect(error.textContent).toContain("“教育党员有力”的分值 16 超出范围（0–15）");
    expect(error.dataset.code).toBe("points_out_of_range");
    expect(scoreCell(101, "c1").value).toBe("16");
    expect(scoreCell(101, "c1").getAttribute("aria-invalid")).toBe("true");
    expect(scoreCell(101, "c1").dataset.state).toBe("error");
    // The banner is not used for a cell's own problem.
    expect(screen.queryByTestId("error-banner")).toBeNull();

    setLang("en");
    await waitFor(() => expect(within(scoreRow(101)).getByTestId("cell-error").textContent).toContain("16 is outside 0–15"));

    // Escape drops the refused input and shows what the core holds (nothing).
    await fireEvent.keyDown(scoreCell(101, "c1"), { key: "Escape" });
    expect(scoreCell(101, "c1").value).toBe("");
    expect(scoreCell(101, "c1").getAttribute("aria-invalid")).toBe("false");
  });

  it("moves down the same column on Enter and with the arrows, skipping recused rows", async () => {
    const { ipc } = mockPanel();
    await openExpertScreen();
    const first = scoreCell(101, "c2");
    first.focus();
    await fireEvent.input(first, { target: { value: "9" } });
    await fireEvent.keyDown(first, { key: "Enter" });
    expect(document.activeElement).toBe(scoreCell(103, "c2"));
    await waitFor(() => expect(ipc.callsOf("set_points")).toHaveLength(1));
    expect(ipc.callsOf("set_points")[0]?.args).toMatchObject({ nominationId: 101, criterionKey: "c2", points: 9 });

    await fireEvent.keyDown(scoreCell(103, "c2"), { key: "ArrowUp" });
    expect(document.activeElement).toBe(scoreCell(101, "c2"));
    await fireEvent.keyDown(scoreCell(101, "c2"), { key: "ArrowDown" });
    expect(document.activeElement).toBe(scoreCell(103, "c2"));
    // At the last row Enter stays put.
    await fireEvent.keyDown(scoreCell(103, "c2"), { key: "Enter" });
    expect(document.activeElement).toBe(scoreCell(103, "c2"));

    // Comments move down too.
    const comments = screen.getAllByTestId("comment-cell");
    comments[0]!.focus();
    await fireEvent.keyDown(comments[0]!, { key: "Enter" });
    expect(document.activeElement).toBe(comments[1]);
  });

  it("greys out an automatically recused row, without inputs and without a withdraw button", async () => {
    mockPanel();
    await openExpertScreen();
    const recused = scoreRow(102);
    expect(recused.dataset.recused).toBe("true");
    expect(within(recused).queryByTestId("score-cell")).toBeNull();
    expect(within(recused).queryByTestId("comment-cell")).toBeNull();
    expect(within(recused).queryByTestId("recuse-button")).toBeNull();
    expect(within(recused).queryByTestId("recusal-withdraw")).toBeNull();
    expect(within(recused).getByTestId("recusal-note").textContent).toContain("本单位推荐，自动回避");
  });

  it("declares a recusal through the dialog, and withdraws it", async () => {
    const { ipc } = mockPanel();
    await openExpertScreen();
    await fireEvent.click(within(scoreRow(103)).getByTestId("recuse-button"));
    const dialog = screen.getByTestId("recusal-dialog");
    expect(dialog.textContent).toContain("机械学院教工党支部");
    expect((screen.getByTestId("recusal-confirm") as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByTestId("recusal-reason-teacher_student"));
    await fireEvent.input(screen.getByTestId("recusal-note-input"), { target: { value: "支部书记是我指导过的研究生" } });
    await fireEvent.click(screen.getByTestId("recusal-confirm"));

    await waitFor(() => expect(screen.queryByTestId("recusal-dialog")).toBeNull());
    expect(ipc.callsOf("recuse")[0]?.args).toEqual({
      hash: PANEL_HASH,
      nominationId: 103,
      reason: "teacher_student",
      note: "支部书记是我指导过的研究生",
    });
    expect(scoreRow(103).dataset.recused).toBe("true");
    expect(within(scoreRow(103)).getByTestId("recusal-note").textContent).toContain("已回避：师生");

    await fireEvent.click(within(scoreRow(103)).getByTestId("recusal-withdraw"));
    await waitFor(() => expect(scoreRow(103).dataset.recused).toBe("false"));
    expect(ipc.callsOf("withdraw_recusal")[0]?.args).toEqual({ hash: PANEL_HASH, nominationId: 103 });
  });

  it("shows a refused recusal in the dialog", async () => {
    mockPanel({
      handlers: {
        recuse: () => {
          throw { code: "scores_locked", message_zh: "评分已提交并锁定", message_en: "Scores are submitted and locked" };
        },
      },
    });
    await openExpertScreen();
    await fireEvent.click(within(scoreRow(101)).getByTestId("recuse-button"));
    await fireEvent.click(screen.getByTestId("recusal-reason-relative"));
    await fireEvent.click(screen.getByTestId("recusal-confirm"));
    expect((await screen.findByTestId("recusal-error")).textContent).toContain("评分已提交并锁定");
    expect(screen.getByTestId("recusal-dialog")).toBeTruthy();
  });

  it("votes in a vote category, by list or by digit key", async () => {
    const { ipc } = mockPanel();
    await openExpertScreen();
    await fireEvent.click(screen.getAllByTestId("category-progress")[1]!);
    const select = scoreCell(104, "vote");
    expect(select.tagName).toBe("SELECT");
    expect([...(select as unknown as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(["未选", "1 同意", "2 不同意", "3 弃权"]);

    await fireEvent.change(select, { target: { value: "agree" } });
    await waitFor(() => expect(scoreCell(104, "vote").dataset.state).toBe("saved"));
    await fireEvent.keyDown(scoreCell(104, "vote"), { key: "3" });
    await waitFor(() => expect(ipc.callsOf("set_vote")).toHaveLength(2));
    expect(ipc.callsOf("set_vote").map((c) => c.args.vote)).toEqual(["agree", "abstain"]);
    expect(ipc.callsOf("set_vote")[0]?.args).toEqual({ hash: PANEL_HASH, nominationId: 104, vote: "agree" });
  });

  it("grades from the category's own list in the package, by list or by digit key", async () => {
    const [points, cases] = panelCategories;
    const graded = {
      ...cases!,
      scoring_mode: "grade" as const,
      grades: [
        { key: "A", name_zh: "优秀", name_en: "Excellent", passes: true },
        { key: "B", name_zh: "合格", name_en: "Pass", passes: true },
        { key: "C", name_zh: "不合格", name_en: "Fail", passes: false },
      ],
    };
    const { ipc } = mockPanel({ view: panelViewFixture({ package: panelPackage({ categories: [points!, graded] }) }) });
    await openExpertScreen();
    await fireEvent.click(screen.getAllByTestId("category-progress")[1]!);
    const select = scoreCell(104, "grade") as unknown as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(["未选", "1 优秀", "2 合格", "3 不合格"]);
    expect(screen.getByTestId("score-grid").textContent).toContain("按数字键 1–3 选择");

    await fireEvent.change(select, { target: { value: "B" } });
    await waitFor(() => expect(scoreCell(104, "grade").dataset.state).toBe("saved"));
    await fireEvent.keyDown(scoreCell(104, "grade"), { key: "3" });
    await waitFor(() => expect(ipc.callsOf("set_grade")).toHaveLength(2));
    expect(ipc.callsOf("set_grade").map((c) => c.args.grade)).toEqual(["B", "C"]);
    // A fourth digit names no grade of this list.
    await fireEvent.keyDown(scoreCell(104, "grade"), { key: "4" });
    expect(ipc.callsOf("set_grade")).toHaveLength(2);
  });

  it("saves a comment and shows the minimum length the clerk set", async () => {
    const { ipc } = mockPanel({ view: panelViewFixture({ package: panelPackage({ min_comment_chars: 20 }) }) });
    await openExpertScreen();
    expect(screen.getByTestId("min-comment-hint").textContent).toBe("至少 20 字");
    const comment = screen.getAllByTestId("comment-cell")[0] as HTMLTextAreaElement;
    expect(comment.placeholder).toBe("至少 20 字");
    await fireEvent.input(comment, { target: { value: "  组织生活规范，特色鲜明  " } });
    await fireEvent.blur(comment);
    await waitFor(() => expect(comment.dataset.state).toBe("saved"));
    expect(ipc.callsOf("set_comment")[0]?.args).toEqual({ hash: PANEL_HASH, nominationId: 101, comment: "  组织生活规范，特色鲜明  " });
    expect(comment.value).toBe("组织生活规范，特色鲜明");
  });

  it("opens a candidate page beside the grid with fields, materials and guidance, sharing the inputs", async () => {
    const { ipc } = mockPanel({ handlers: { save_material: () => "推荐表 (2).pdf" } });
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-material", name: "推荐表.pdf" });
    await openExpertScreen();
    await fireEvent.click(within(scoreRow(101)).getByTestId("nominee-open"));
    const page = screen.getByTestId("candidate-panel");
    expect(page.textContent).toContain("化学系第一党支部");
    expect(page.textContent).toContain("支部书记");
    expect(page.textContent).toContain("139****0021");
    expect(page.textContent).toContain("已脱敏");
    expect(within(page).getByTestId("candidate-extra-fields").textContent).toContain("省级先进基层党组织");
    expect(page.textContent).toContain("理论学习制度健全");

    const materials = within(page).getAllByTestId("material-item");
    expect(materials).toHaveLength(2);
    expect(materials[0]!.textContent).toContain("14.2 KB");
    expect(materials[1]!.textContent).toContain("化学系第一党支部事迹材料.docx");
    await fireEvent.click(within(materials[0]!).getByTestId("material-save"));
    // The shell never writes over a file: the name it chose is the one shown.
    expect((await within(page).findByTestId("material-saved")).textContent).toContain("已保存为 推荐表 (2).pdf");
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0]).toMatchObject({ fileName: "推荐表.pdf", extensions: ["pdf"] });
    expect(ipc.callsOf("save_material")[0]?.args).toEqual({
      hash: PANEL_HASH,
      sha256: "a".repeat(64),
      destination: "save-material",
    });

    // The page's input and the grid's show the same entry.
    const inPage = within(page)
      .getAllByTestId("candidate-score-cell")
      .find((c) => c.dataset.criterion === "c2") as HTMLInputElement;
    await fireEvent.input(inPage, { target: { value: "14" } });
    await fireEvent.change(inPage);
    await waitFor(() => expect(scoreCell(101, "c2").value).toBe("14"));
    expect(ipc.callsOf("set_points")[0]?.args).toMatchObject({ nominationId: 101, criterionKey: "c2", points: 14 });

    await fireEvent.click(within(page).getByTestId("candidate-close"));
    expect(screen.queryByTestId("candidate-panel")).toBeNull();
  });
});
