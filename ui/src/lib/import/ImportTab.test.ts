import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseOpenFiles, chooseSavePath } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import { failedReport, fileReport, review } from "$lib/testing/fixtures";
import type { Source } from "$lib/ipc/types";
import ReviewScreen from "$lib/review/ReviewScreen.svelte";
import { CALL_TARGET_MS, FIRST_CALL_FILES, MAX_CALL_FILES, nextCallSize } from "./importRun.svelte";

// Native dialogs and window drag-and-drop do not exist in jsdom.
vi.mock("$lib/ipc/dialog", () => ({
  chooseOpenFiles: vi.fn(),
  chooseFolder: vi.fn(),
  chooseSavePath: vi.fn(),
}));
vi.mock("$lib/ipc/dragdrop", () => ({
  listenForFileDrops: vi.fn(() => Promise.resolve(() => {})),
}));

const goodReport = fileReport();
let ipc: MockedCommands;

beforeEach(() => {
  localStorage.clear();
  setLang("zh-CN");
  vi.mocked(chooseOpenFiles).mockResolvedValue(["/home/clerk/推荐表"]);
  ipc = mockCommands({
    open_review: () => review,
    list_flags: () => [],
    expand_workbook_paths: () => [
      { kind: "workbook", path: goodReport.file },
      { kind: "zip", path: failedReport.file },
    ],
    import_workbooks: (args) =>
      (args.sources as Source[]).map((source) => (source.path === goodReport.file ? goodReport : failedReport)),
    write_nomination_template: () => null,
  });
});
afterEach(clearCommandMocks);

describe("the import tab", () => {
  it("imports picked files and reports on each", async () => {
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("tab-import"));
    expect(screen.getByTestId("import-dropzone")).toBeTruthy();

    await fireEvent.click(screen.getByTestId("import-pick-files"));
    const summary = await screen.findByTestId("import-summary");
    expect(summary.textContent).toContain("共 2 个文件，已导入 1，未导入 1，推荐对象 3 条，标记 1 条");

    const progress = screen.getByTestId("import-progress") as HTMLProgressElement;
    expect(progress.max).toBe(2);
    expect(progress.value).toBe(2);

    expect(ipc.callsOf("expand_workbook_paths")[0]?.args).toEqual({ paths: ["/home/clerk/推荐表"] });
    expect(ipc.callsOf("import_workbooks").map((c) => c.args)).toEqual([
      {
        reviewId: review.id,
        sources: [
          { kind: "workbook", path: goodReport.file },
          { kind: "zip", path: failedReport.file },
        ],
      },
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
    const sources: Source[] = Array.from({ length: 100 }, (_, i) => ({
      kind: "workbook",
      path: `/home/clerk/推荐表/高校${i + 1}.xlsx`,
    }));
    ipc = mockCommands({
      open_review: () => review,
      list_flags: () => [],
      expand_workbook_paths: () => sources,
      import_workbooks: (args) => (args.sources as Source[]).map((source) => ({ ...goodReport, file: source.path })),
    });
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("tab-import"));
    await fireEvent.click(screen.getByTestId("import-pick-files"));
    await waitFor(() => expect(screen.getByTestId("import-summary").textContent).toContain("共 100 个文件，已导入 100"));
    const calls = ipc.callsOf("import_workbooks").map((c) => (c.args.sources as Source[]).map((s) => s.path));
    // Mocked calls come back at once, so each call doubles (timing is the only input).
    const sizes = calls.map((c) => c.length);
    expect(sizes[0]).toBe(FIRST_CALL_FILES);
    expect(sizes.length).toBeLessThan(100 / FIRST_CALL_FILES);
    expect(calls.flat()).toEqual(sources.map((s) => s.path));
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
    vi.mocked(chooseOpenFiles).mockResolvedValue(null);
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("tab-import"));
    await fireEvent.click(screen.getByTestId("import-pick-files"));
    await Promise.resolve();
    expect(ipc.callsOf("expand_workbook_paths")).toHaveLength(0);
    expect(screen.queryByTestId("import-results")).toBeNull();
  });
});

describe("the nomination template button", () => {
  it("suggests the Chinese file name and confirms where the template went", async () => {
    vi.mocked(chooseSavePath).mockResolvedValue("/home/clerk/模板.xlsx");
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("write-template"));
    const notice = await screen.findByTestId("review-notice");
    expect(notice.textContent).toContain("推荐表模板已保存到 /home/clerk/模板.xlsx");
    expect(vi.mocked(chooseSavePath).mock.calls[0]?.[0]).toMatchObject({
      defaultPath: "2026年基层党建创新典型案例推荐汇总表.xlsx",
      extensions: ["xlsx"],
    });
    expect(ipc.callsOf("write_nomination_template")[0]?.args).toEqual({
      reviewId: review.id,
      destination: "/home/clerk/模板.xlsx",
    });
  });
});
