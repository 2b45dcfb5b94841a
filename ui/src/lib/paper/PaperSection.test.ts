import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import { expertStatusFixture } from "$lib/testing/fixtures";
import { currentError } from "$lib/ui/errors.svelte";
import StatusBoard from "$lib/results/StatusBoard.svelte";
import PaperSection from "./PaperSection.svelte";
import { paperSheet, paperStatusFixture, SHEET_ID, waiting } from "./paperFixtures";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

let ipc: MockedCommands;

beforeEach(() => {
  freshPage();
  ipc = mockCommands({
    paper_status: () => [paperStatusFixture({ keyed_by: [] }), paperStatusFixture({ expert_id: 2, expert_name: "李珺", counted: true, recorded_by: ["王晓燕", "李建国"] })],
    paper_sheets: () => [paperSheet()],
    print_paper_sheet: () => 20480,
    key_paper_sheet: () => waiting,
  });
});
afterEach(clearCommandMocks);

describe("the paper screen", () => {
  it("lists each expert's sheet state, prints to the picked handle and keys through the core", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-sheet", name: "王喆纸质评分表.pdf" });
    const onchanged = vi.fn();
    render(PaperSection, { reviewId: "r1", board: [], expert: { id: 1, name: "王喆" }, onchanged, onclose: vi.fn() });

    const rows = await screen.findAllByTestId("paper-status-row");
    expect(rows.map((r) => r.dataset.state)).toEqual(["none", "done"]);
    expect(rows[1]!.textContent).toContain("已记为代录（王晓燕、李建国）");

    await fireEvent.click(screen.getByTestId("paper-print"));
    await waitFor(() => expect(ipc.callsOf("print_paper_sheet")).toHaveLength(1));
    expect(ipc.callsOf("print_paper_sheet")[0]?.args).toEqual({ reviewId: "r1", expertId: 1, destination: "save-sheet" });
    expect((await screen.findByTestId("paper-printed")).textContent).toContain("王喆纸质评分表.pdf");

    await screen.findByTestId("paper-keying");
    await fireEvent.input(screen.getByTestId("paper-by"), { target: { value: "王晓燕" } });
    await fireEvent.click(screen.getByTestId("paper-submit"));
    await waitFor(() => expect(ipc.callsOf("key_paper_sheet")).toHaveLength(1));
    expect(ipc.callsOf("key_paper_sheet")[0]?.args).toMatchObject({ reviewId: "r1", expertId: 1, sheetId: SHEET_ID, by: "王晓燕" });
    await waitFor(() => expect(onchanged).toHaveBeenCalled());
    expect(currentError()).toBeNull();
  });

  it("is opened from the status board for an expert who has not submitted", async () => {
    const onpaper = vi.fn();
    const statuses = expertStatusFixture();
    render(StatusBoard, { statuses, onregister: vi.fn(), onrevoke: vi.fn(), onpaper, onresume: vi.fn(), reRegistered: [] });
    const open = screen.getAllByTestId("paper-open");
    expect(open.length).toBe(statuses.filter((s) => !s.submitted).length);
    await fireEvent.click(open[0]!);
    expect(onpaper).toHaveBeenCalledWith(statuses.find((s) => !s.submitted));
    const board = screen.getByTestId("status-board");
    expect(within(board).queryAllByTestId("resume-open")).toHaveLength(0);
  });
});
