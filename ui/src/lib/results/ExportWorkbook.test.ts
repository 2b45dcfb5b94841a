import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import { review } from "$lib/testing/fixtures";
import { currentError } from "$lib/ui/errors.svelte";
import ExportWorkbook from "./ExportWorkbook.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

let ipc: MockedCommands;

beforeEach(() => {
  freshPage();
  vi.mocked(chooseSaveFile).mockReset();
  ipc = mockCommands({ export_results_workbook: () => 20480 });
});
afterEach(clearCommandMocks);

describe("exporting the results workbook", () => {
  it("asks the shell where to save and hands the core only the handle", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-xlsx", name: "评审结果.xlsx" });
    render(ExportWorkbook, { review });
    await fireEvent.click(screen.getByTestId("export-results-workbook"));

    const notice = await screen.findByTestId("export-results-notice");
    expect(notice.textContent).toContain("已导出为 评审结果.xlsx（20.0 KB）");
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0]).toEqual({
      title: "保存评审结果工作簿",
      fileName: "2026年基层党建创新典型案例评审结果.xlsx",
      filterName: "Excel 工作簿",
      extensions: ["xlsx"],
    });
    expect(ipc.callsOf("export_results_workbook")[0]?.args).toEqual({ reviewId: review.id, destination: "save-xlsx" });
  });

  it("does nothing when the dialog is cancelled", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue(null);
    render(ExportWorkbook, { review });
    await fireEvent.click(screen.getByTestId("export-results-workbook"));
    await waitFor(() => expect(vi.mocked(chooseSaveFile)).toHaveBeenCalled());
    expect(ipc.callsOf("export_results_workbook")).toHaveLength(0);
    expect(screen.queryByTestId("export-results-notice")).toBeNull();
  });

  it("shows the core's refusal in the banner", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "h", name: "x.xlsx" });
    ipc = mockCommands({
      export_results_workbook: () => {
        throw { code: "io", message_zh: "读写文件失败", message_en: "Could not write" };
      },
    });
    render(ExportWorkbook, { review });
    await fireEvent.click(screen.getByTestId("export-results-workbook"));
    await waitFor(() => expect(currentError()?.code).toBe("io"));
    expect(screen.queryByTestId("export-results-notice")).toBeNull();
  });
});
