import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { FILE_DROP_EVENT } from "$lib/ipc/dragdrop";
import { clearCommandMocks, emitShellEvent, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import { failedReport, fileReport, review } from "$lib/testing/fixtures";
import type { Picked } from "$lib/ipc/types";
import ReviewScreen from "$lib/review/ReviewScreen.svelte";
import { CALL_TARGET_MS, FIRST_CALL_FILES, MAX_CALL_FILES, nextCallSize } from "./importRun.svelte";
import { freshPage } from "$lib/testing/page";

// The shell opens the dialogs and hears the drops: the page sees handles and names only.
const goodReport = fileReport();
const FOUND: Picked[] = [
  { handle: "source-good", name: "江北师范大学.xlsx" },
  { handle: "source-bad", name: "东川理工大学.xls" },
];
let ipc: MockedCommands;

beforeEach(() => {
  freshPage();
  ipc = mockCommands({
    open_review: () => review,
    list_flags: () => [],
    pick_files: () => [{ handle: "picked-files", name: "推荐表.xlsx" }],
    pick_folder: () => ({ handle: "picked-folder", name: "推荐表" }),
    expand_workbooks: () => FOUND,
    import_workbooks: (args) =>
      (args.sources as string[]).map((handle) => (handle === "source-good" ? goodReport : failedReport)),
    pick_save_file: () => ({ handle: "save-template", name: "模板.xlsx" }),
    write_nomination_template: () => null,
  });
});
// Unmounted first: the tab stops listening for drops through the mocked IPC.
afterEach(() => {
  cleanup();
  clearCommandMocks();
});

async function openImportTab() {
  render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
  await fireEvent.click(await screen.findByTestId("tab-import"));
}

describe("the import tab", () => {
  it("imports picked files and reports on each", async () => {
    await openImportTab();
    expect(screen.getByTestId("import-dropzone")).toBeTruthy();

    await fireEvent.click(screen.getByTestId("import-pick-files"));
    const summary = await screen.findByTestId("import-summary");
    expect(summary.textContent).toContain("共 2 个文件，已导入 1，未导入 1，推荐对象 3 条，待核实事项 1 条");

    const progress = screen.getByTestId("import-progress") as HTMLProgressElement;
    expect(progress.max).toBe(2);
    expect(progress.value).toBe(2);

    expect(ipc.callsOf("pick_files")[0]?.args).toEqual({
      title: "选择推荐表",
      filterName: "电子表格",
      extensions: ["xlsx", "xls", "ods"],
      multiple: true,
    });
    expect(ipc.callsOf("expand_workbooks")[0]?.args).toEqual({ picked: ["picked-files"] });
    expect(ipc.callsOf("import_workbooks").map((c) => c.args)).toEqual([
      { reviewId: review.id, sources: ["source-good", "source-bad"] },
    ]);

    const rows = screen.getAllByTestId("import-result-row");
    expect(rows).toHaveLength(2);
    const cells = (row: HTMLElement) => within(row).getAllByRole("cell").map((c) => c.textContent?.trim());
    expect(cells(rows[0]!)).toEqual(["江北师范大学.xlsx", "已导入", "江北师范大学 取自推荐单位栏", "3", "1", "0"]);
    expect(cells(rows[1]!)).toEqual(["东川理工大学.xls", "未导入", "—", "0", "0", "1"]);

    // The review is read again so the nominations tab shows what was imported.
    await waitFor(() => expect(ipc.callsOf("open_review")).toHaveLength(2));

    await fireEvent.keyDown(rows[1]!, { key: "Enter" });
    const detail = screen.getByTestId("import-result-detail");
    expect(detail.textContent).toContain("找不到表头行");
    expect(detail.textContent).toContain("工作表 Sheet1，第 3 行 C 列");
    expect(detail.textContent).toContain("缺少必填项");

    setLang("en");
    await Promise.resolve();
    expect(screen.getByTestId("import-result-detail").textContent).toContain("No header row found");
    expect(screen.getByTestId("import-summary").textContent).toContain("Files: 2, imported: 1");
  });

  it("sends a large folder a few files per call, more per call while calls are quick", async () => {
    const sources: Picked[] = Array.from({ length: 100 }, (_, i) => ({
      handle: `source-${i + 1}`,
      name: `高校${i + 1}.xlsx`,
    }));
    ipc = mockCommands({
      open_review: () => review,
      list_flags: () => [],
      pick_folder: () => ({ handle: "picked-folder", name: "推荐表" }),
      expand_workbooks: () => sources,
      import_workbooks: (args) => (args.sources as string[]).map((handle) => ({ ...goodReport, file: handle })),
    });
    await openImportTab();
    await fireEvent.click(screen.getByTestId("import-pick-folder"));
    await waitFor(() => expect(screen.getByTestId("import-summary").textContent).toContain("共 100 个文件，已导入 100"));
    expect(ipc.callsOf("expand_workbooks")[0]?.args).toEqual({ picked: ["picked-folder"] });
    const calls = ipc.callsOf("import_workbooks").map((c) => c.args.sources as string[]);
    // Mocked calls come back at once, so each call doubles (timing is the only input).
    const sizes = calls.map((c) => c.length);
    expect(sizes[0]).toBe(FIRST_CALL_FILES);
    expect(sizes.length).toBeLessThan(100 / FIRST_CALL_FILES);
    expect(calls.flat()).toEqual(sources.map((s) => s.handle));
    expect(screen.getAllByTestId("import-result-row")).toHaveLength(100);
  });

  it("sizes calls by how long the last one took", () => {
    expect(nextCallSize(8, 20)).toBe(16);
    expect(nextCallSize(64, 20)).toBe(MAX_CALL_FILES);
    expect(nextCallSize(16, CALL_TARGET_MS)).toBe(16);
    expect(nextCallSize(16, CALL_TARGET_MS * 3)).toBe(8);
    expect(nextCallSize(1, CALL_TARGET_MS * 3)).toBe(1);
  });

  it("does nothing when the dialog is cancelled", async () => {
    ipc = mockCommands({ open_review: () => review, list_flags: () => [], pick_files: () => [] });
    await openImportTab();
    await fireEvent.click(screen.getByTestId("import-pick-files"));
    await waitFor(() => expect(ipc.callsOf("pick_files")).toHaveLength(1));
    await Promise.resolve();
    expect(ipc.callsOf("expand_workbooks")).toHaveLength(0);
    expect(screen.queryByTestId("import-results")).toBeNull();
  });

  it("imports what the shell reports dropped on the window, by handle", async () => {
    await openImportTab();
    const zone = screen.getByTestId("import-dropzone");
    await waitFor(() => expect(zone.getAttribute("data-listening")).toBe("true"));

    await emitShellEvent(FILE_DROP_EVENT, { kind: "enter" });
    await waitFor(() => expect(zone.classList.contains("dragging")).toBe(true));
    await emitShellEvent(FILE_DROP_EVENT, { kind: "drop", files: [{ handle: "dropped-folder", name: "推荐表" }] });
    await waitFor(() => expect(screen.getByTestId("import-summary").textContent).toContain("共 2 个文件"));
    expect(zone.classList.contains("dragging")).toBe(false);
    expect(ipc.callsOf("expand_workbooks")[0]?.args).toEqual({ picked: ["dropped-folder"] });
    expect(ipc.callsOf("import_workbooks")[0]?.args).toEqual({
      reviewId: review.id,
      sources: ["source-good", "source-bad"],
    });
  });
});

describe("the nomination template button", () => {
  it("suggests the Chinese file name and confirms where the template went", async () => {
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("write-template"));
    const notice = await screen.findByTestId("review-notice");
    expect(notice.textContent).toContain("推荐表模板已保存为 模板.xlsx");
    expect(ipc.callsOf("pick_save_file")[0]?.args).toMatchObject({
      suggestedName: "2026年基层党建创新典型案例推荐汇总表.xlsx",
      extensions: ["xlsx"],
    });
    expect(ipc.callsOf("write_nomination_template")[0]?.args).toEqual({
      reviewId: review.id,
      destination: "save-template",
    });
  });
});
