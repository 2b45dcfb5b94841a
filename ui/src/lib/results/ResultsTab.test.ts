import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseOpenFiles } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import {
  categoryRule,
  decidedResultsFixture,
  EXPERT_FINGERPRINT,
  expertStatusFixture,
  noPackageYet,
  receipts,
  review,
  reviewResultsFixture,
} from "$lib/testing/fixtures";
import { STEPS } from "./steps";
import ReviewScreen from "$lib/review/ReviewScreen.svelte";
import { currentError } from "$lib/ui/errors.svelte";
import { resultsTabHandlers } from "$lib/testing/resultsMock";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

const BUNDLES = receipts.map((r, i) => ({ handle: `bundle-${i}`, name: r.file }));
let ipc: MockedCommands;

function mock(overrides: Record<string, CommandHandler> = {}) {
  ipc = mockCommands(
    resultsTabHandlers({ open_review: () => review, list_flags: () => [], receive_bundles: () => receipts, ...overrides }),
  );
}

beforeEach(() => {
  freshPage({ clerkUnlocked: true });
  vi.mocked(chooseOpenFiles).mockResolvedValue(BUNDLES);
  mock();
});
afterEach(clearCommandMocks);

async function openResultsTab() {
  render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
  const tab = await screen.findByTestId("tab-results");
  expect(tab.textContent?.trim()).toBe("结果与打印");
  await fireEvent.click(tab);
}

/** Opens a step of the results tab, as the clerk clicks it in the step bar. */
async function openStep(name: string) {
  await fireEvent.click(await screen.findByTestId(`results-step-${name}`));
}

// Plain DOM queries: role queries are slow in jsdom, and these tables are plain <td>s.
const cells = (row: HTMLElement) => [...row.querySelectorAll("td")].map((c) => c.textContent?.trim());
const stepButton = (name: string) => screen.getByTestId(`results-step-${name}`);
const stepState = (name: string) => stepButton(name).querySelector('[data-testid="results-step-state"]')?.textContent ?? null;
const openStepName = () =>
  document.querySelector<HTMLElement>('[role="tab"][data-testid^="results-step-"][aria-selected="true"]')?.dataset.testid;

describe("the results tab", () => {
  it("shows the core's results as they came, one table per category", async () => {
    await openResultsTab();
    // One expert of two has handed in: the tab opens on receiving, with the board.
    await screen.findByTestId("status-board");
    const statusRows = screen.getAllByTestId("status-row");
    expect(statusRows).toHaveLength(2);
    expect(statusRows[0]!.textContent).toContain("已提交第 1 版");
    expect(statusRows[0]!.textContent).toContain(EXPERT_FINGERPRINT);
    expect(statusRows[1]!.textContent).toContain("未提交");
    expect(screen.getByTestId("status-count").textContent).toBe("已提交 1 / 2");

    await openStep("results");
    const tables = await screen.findAllByTestId("results-table");
    expect(tables).toHaveLength(2);

    const criteriaRows = within(tables[0]!).getAllByTestId("result-row");
    expect(cells(criteriaRows[0]!)).toEqual(["1", "“党建+课程思政”双融合育人模式", "江北师范大学", "87.50", "入选", "分歧大（σ=16.25）", "决定…"]);
    expect(cells(criteriaRows[1]!)).toEqual(["2", "“三全育人”党建品牌", "东川理工大学", "80.00", "并列待定", "分数线处并列缺评分 1/2", "决定…"]);
    expect(criteriaRows[1]!.dataset.cut).toBe("tied");

    const voteRows = within(tables[1]!).getAllByTestId("result-row");
    // Every row with a result may be ruled on, flagged or not.
    expect(cells(voteRows[0]!)).toEqual(["1", "实验室里的党小组", "东川理工大学", "同意 1/1", "入选", "—", "决定…"]);
    expect(cells(voteRows[1]!)).toEqual(["2", "“红色宿舍”网格化党员服务", "江北师范大学", "—", "无评分", "无人评分", "决定…"]);

    // Each category says how it was counted, by its own rule.
    const rules = screen.getAllByTestId("results-method").map((el) => el.textContent?.replace(/\s+/g, " ").trim());
    expect(rules).toEqual([
      "计分方法：去掉最高分和最低分后的平均分（评分专家不少于 5 位时） · 未作标准化 · 同分比较：满分票数",
      "投票通过：同意票达三分之二",
    ]);
    expect(screen.getByTestId("results-outliers").textContent).toContain("李珺：平均偏离 -12.50 分");

    setLang("en");
    await Promise.resolve();
    expect(within(screen.getAllByTestId("results-table")[0]!).getAllByTestId("result-cut")[1]!.textContent).toBe(
      "Tied, to be decided",
    );
    expect(within(screen.getAllByTestId("results-table")[1]!).getAllByTestId("result-aggregate")[0]!.textContent).toBe(
      "Agree 1/1",
    );
  });

  it("shows each category's own rule in its header, in the current language", async () => {
    mock({
      review_results: () => {
        const results = reviewResultsFixture();
        results.categories[0]!.rule = categoryRule({
          method: "median",
          normalise: true,
          tie_breakers: [{ kind: "criterion", key: "c2" }, { kind: "more_top_marks" }],
        });
        return results;
      },
    });
    await openResultsTab();
    await openStep("results");
    const sections = await screen.findAllByTestId("results-category");
    const rule = within(sections[0]!).getByTestId("results-method");
    expect(rule.textContent).toContain("计分方法：中位数");
    expect(rule.textContent).toContain("各专家分数先作标准化（z 分数）");
    expect(rule.textContent).not.toContain("不少于");
    expect(rule.textContent).toContain("同分比较：「创新性」均分、满分票数");
    expect(within(sections[1]!).getByTestId("results-method").textContent).toContain("同意票达三分之二");
    // Votes are not ranked by tie-breakers: the vote line does not name them.
    expect(within(sections[1]!).getByTestId("results-method").textContent).not.toContain("同分");

    setLang("en");
    await waitFor(() => expect(rule.textContent).toContain("Scoring method: median"));
    expect(rule.textContent).toContain("each expert's totals normalised (z-scores)");
    expect(rule.textContent).toContain("ties broken by: mean on Innovation, top marks");
  });

  it("says there are no results yet before any package was built, without an error", async () => {
    mock({
      expert_status: () => [],
      review_results: () => {
        throw noPackageYet;
      },
    });
    await openResultsTab();
    // No board yet: the tab opens on receiving, which says so.
    expect(await screen.findByTestId("status-empty")).toBeTruthy();
    expect(openStepName()).toBe("results-step-receive");
    expect(stepState("receive")).toBeNull();
    expect(stepState("results")).toBeNull();

    await openStep("results");
    const notice = await screen.findByTestId("results-no-package");
    expect(notice.textContent).toContain("尚未生成评审包");
    expect(screen.queryByTestId("results-table")).toBeNull();
    // Nothing to announce either, and no objection ledger without results.
    await openStep("publication");
    expect((await screen.findByTestId("results-step-no-results")).textContent).toContain("还没有评审结果");
    expect(screen.queryByTestId("publicity")).toBeNull();
    expect(currentError()).toBeNull();
  });

  it("receives picked bundles, shows one row per file, then reads the board and results again", async () => {
    await openResultsTab();
    await screen.findByTestId("status-board");
    await waitFor(() => expect(ipc.callsOf("review_results")).toHaveLength(1));

    await fireEvent.click(screen.getByTestId("receive-pick"));
    const list = await screen.findByTestId("receipts");
    expect(vi.mocked(chooseOpenFiles).mock.calls[0]?.[0]).toMatchObject({ extensions: ["pdresult"] });
    expect(ipc.callsOf("receive_bundles")[0]?.args).toEqual({ reviewId: review.id, bundles: BUNDLES.map((b) => b.handle) });

    const rows = within(list).getAllByTestId("receipt");
    expect(rows.map((r) => r.dataset.outcome)).toEqual(["accepted", "already_have", "refused"]);
    expect(rows[0]!.textContent).toContain("已收取：王喆，第 1 版");
    expect(rows[0]!.textContent).toContain(EXPERT_FINGERPRINT);
    expect(rows[1]!.textContent).toContain("已收取过：李珺，第 2 版");
    expect(rows[2]!.textContent).toContain("不是 PanelDesk 评分结果文件");
    expect(rows[2]!.textContent).toContain("bad_bundle");
    expect(screen.getByTestId("receipts-summary").textContent).toBe("共 3 个文件：收取 1 个，已收取过 1 个，拒收 1 个");

    await waitFor(() => expect(ipc.callsOf("review_results")).toHaveLength(2));
    expect(ipc.callsOf("expert_status")).toHaveLength(2);

    setLang("en");
    await Promise.resolve();
    expect(screen.getAllByTestId("receipt")[2]!.textContent).toContain("Not a PanelDesk result bundle");
  });

  it("receives nothing when the file dialog is cancelled", async () => {
    vi.mocked(chooseOpenFiles).mockResolvedValue(null);
    await openResultsTab();
    await screen.findByTestId("status-board");
    await fireEvent.click(screen.getByTestId("receive-pick"));
    await waitFor(() => expect(vi.mocked(chooseOpenFiles)).toHaveBeenCalled());
    expect(ipc.callsOf("receive_bundles")).toHaveLength(0);
    expect(screen.queryByTestId("receipts")).toBeNull();
    expect((screen.getByTestId("receive-pick") as HTMLButtonElement).disabled).toBe(false);
  });
});

describe("the results tab's steps", () => {
  const everyoneIn = () => expertStatusFixture().map((s) => ({ ...s, submitted: true, sequence: 1 }));

  it("opens on receiving while an expert has not handed in, and mounts no step before it is opened", async () => {
    await openResultsTab();
    await screen.findByTestId("status-board");
    expect(openStepName()).toBe("results-step-receive");
    expect(screen.getByRole("tablist", { name: "结果与打印的步骤" })).toBeTruthy();
    expect(screen.getByTestId("receive-pick")).toBeTruthy();
    // The results are read (the bar counts from them) but not shown, and the certificate
    // editor is not there at all: its template, preview and fonts are not even asked for.
    await waitFor(() => expect(ipc.callsOf("review_results")).toHaveLength(1));
    expect(screen.queryByTestId("results-table")).toBeNull();
    expect(screen.queryByTestId("result-row")).toBeNull();
    expect(screen.queryByTestId("certificate-save")).toBeNull();
    expect(ipc.callsOf("certificate_template")).toHaveLength(0);
    expect(ipc.callsOf("certificate_preview")).toHaveLength(0);
    expect(screen.queryByTestId("publicity")).toBeNull();
    expect(screen.queryByTestId("register-entry")).toBeNull();
    expect(ipc.callsOf("follow_up_stage")).toHaveLength(0);

    await openStep("print");
    expect(await screen.findByTestId("certificate-save")).toBeTruthy();
    expect(ipc.callsOf("certificate_template")).toHaveLength(1);
    expect(screen.getByTestId("print-summary")).toBeTruthy();
    expect(screen.getByTestId("export-results-workbook")).toBeTruthy();
    // The step seen before stays, hidden; the one never opened is not there.
    expect(screen.getByTestId("status-board").closest("[hidden]")).not.toBeNull();
    expect(screen.queryByTestId("results-table")).toBeNull();

    // Leaving the step hides the editor, with what was typed in it; it is not read again.
    await openStep("verify");
    expect(screen.getByTestId("certificate-save").closest("[hidden]")).not.toBeNull();
    expect(screen.getByTestId("check-submit").closest("[hidden]")).toBeNull();
    await openStep("print");
    expect(screen.getByTestId("certificate-save").closest("[hidden]")).toBeNull();
    expect(ipc.callsOf("certificate_template")).toHaveLength(1);
  });

  it("opens on the results once every expert has handed in", async () => {
    mock({ expert_status: everyoneIn });
    await openResultsTab();
    expect(await screen.findAllByTestId("results-table")).toHaveLength(2);
    expect(openStepName()).toBe("results-step-results");
    expect(stepButton("results").tabIndex).toBe(0);
    expect(stepButton("receive").tabIndex).toBe(-1);
    const panel = document.getElementById(stepButton("results").getAttribute("aria-controls")!)!;
    expect(panel.getAttribute("role")).toBe("tabpanel");
    expect(panel.getAttribute("aria-labelledby")).toBe(stepButton("results").id);
    expect(screen.queryByTestId("status-board")).toBeNull();
    expect(screen.queryByTestId("receive-pick")).toBeNull();
  });

  it("shows the core's counts on the steps, in the current language", async () => {
    await openResultsTab();
    await waitFor(() => expect(stepState("results")).toBe("1 项待决定"));
    expect(stepState("receive")).toBe("1/2 已交");
    expect(stepButton("receive").textContent?.replace(/\s+/g, " ").trim()).toBe("1 收取评分 1/2 已交");
    for (const name of ["publication", "print", "register", "verify"]) expect(stepState(name)).toBeNull();
    expect(STEPS.map((name) => stepButton(name).querySelector(".name")?.textContent)).toEqual([
      "收取评分",
      "结果与决定",
      "公示与异议",
      "打印与证书",
      "获评单位台账",
      "核验证书",
    ]);

    // A decision settles the tie: the count follows the core's answer.
    mock({ expert_status: everyoneIn, decide_result: () => decidedResultsFixture() });
    await openStep("results");
    await fireEvent.click(within((await screen.findAllByTestId("result-row"))[1]!).getByTestId("decide-open"));
    await fireEvent.click(await screen.findByTestId("decide-in"));
    await fireEvent.input(screen.getByTestId("decide-reason"), { target: { value: "评审组表决 3:0" } });
    await fireEvent.click(screen.getByTestId("decide-confirm"));
    await waitFor(() => expect(stepState("results")).toBeNull());

    setLang("en");
    await waitFor(() => expect(stepState("receive")).toBe("1/2 in"));
    expect(stepButton("results").querySelector(".name")?.textContent).toBe("Results & decisions");
  });

  it("moves along the bar with the arrow keys, Home and End, and opens a step only when chosen", async () => {
    await openResultsTab();
    await screen.findByTestId("status-board");
    stepButton("receive").focus();
    await fireEvent.keyDown(stepButton("receive"), { key: "ArrowRight" });
    expect(document.activeElement).toBe(stepButton("results"));
    // Passing over a step does not open it: the receive step is still the one shown.
    expect(openStepName()).toBe("results-step-receive");
    expect(screen.getByTestId("status-board")).toBeTruthy();

    await fireEvent.keyDown(stepButton("results"), { key: "End" });
    expect(document.activeElement).toBe(stepButton("verify"));
    await fireEvent.keyDown(stepButton("verify"), { key: "ArrowRight" });
    expect(document.activeElement).toBe(stepButton("receive"));
    await fireEvent.keyDown(stepButton("receive"), { key: "ArrowLeft" });
    expect(document.activeElement).toBe(stepButton("verify"));
    await fireEvent.keyDown(stepButton("verify"), { key: "Home" });
    expect(document.activeElement).toBe(stepButton("receive"));
    await fireEvent.keyDown(stepButton("receive"), { key: "ArrowLeft" });
    await fireEvent.keyDown(stepButton("verify"), { key: "ArrowLeft" });
    expect(document.activeElement).toBe(stepButton("register"));
    expect(ipc.callsOf("follow_up_stage")).toHaveLength(0);

    // Enter or Space on a focused button is its click.
    await fireEvent.click(stepButton("register"));
    expect(openStepName()).toBe("results-step-register");
    expect(await screen.findByTestId("register-entry")).toBeTruthy();
    expect(screen.getByTestId("status-board").closest("[hidden]")).not.toBeNull();
  });

  it("goes on to the next step from the foot of one, focusing it in the bar", async () => {
    await openResultsTab();
    await screen.findByTestId("status-board");
    await fireEvent.click(screen.getByTestId("results-step-next"));
    expect(screen.getByTestId("results-step-next").textContent).toContain("下一步：公示与异议");
    expect(openStepName()).toBe("results-step-results");
    await waitFor(() => expect(document.activeElement).toBe(stepButton("results")));
    expect(await screen.findAllByTestId("results-table")).toHaveLength(2);

    await openStep("verify");
    expect(screen.queryByTestId("results-step-next")).toBeNull();
  });

  it("stays on the chosen step when the last bundle comes in", async () => {
    let statuses = expertStatusFixture();
    mock({ expert_status: () => statuses });
    await openResultsTab();
    await screen.findByTestId("status-board");
    statuses = everyoneIn();
    await fireEvent.click(screen.getByTestId("receive-pick"));
    await screen.findByTestId("receipts");
    await waitFor(() => expect(stepState("receive")).toBe("2/2 已交"));
    expect(openStepName()).toBe("results-step-receive");
    expect(screen.getByTestId("receipts")).toBeTruthy();

    // A step the clerk chose stays chosen through a language switch too.
    await openStep("publication");
    await screen.findByTestId("publicity");
    setLang("en");
    await waitFor(() => expect(stepButton("publication").querySelector(".name")?.textContent).toBe("Announcement & objections"));
    expect(openStepName()).toBe("results-step-publication");
    expect(screen.getByTestId("publicity")).toBeTruthy();
  });
});

describe("the overview's next step", () => {
  it("opens the results tab on the step where it is done, and the tab chosen by hand as usual", async () => {
    mock({
      next_step: () => ({ step: { kind: "set_announcement" }, tab: "results", message_zh: "设置公示", message_en: "Set the announcement" }),
    });
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("next-step-go"));
    await waitFor(() => expect(openStepName()).toBe("results-step-publication"));

    await fireEvent.click(screen.getByTestId("tab-overview"));
    await fireEvent.click(await screen.findByTestId("tab-results"));
    await waitFor(() => expect(openStepName()).toBe("results-step-receive"));
  });
});
