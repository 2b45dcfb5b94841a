import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chooseSaveFolder } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import { clerkKeysUnlocked, expertStatusFixture } from "$lib/testing/fixtures";
import { clerkKeys } from "$lib/ui/clerkKeys.svelte";
import StatusBoard from "$lib/results/StatusBoard.svelte";
import ResumeDialog from "./ResumeDialog.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

let ipc: MockedCommands;

beforeEach(() => {
  clerkKeys.status = clerkKeysUnlocked;
  freshPage();
  ipc = mockCommands({ write_resume_file: () => "resume-1-9f2c4e1ab37d.pdresume" });
});
afterEach(clearCommandMocks);

describe("the resume file", () => {
  it("is offered on the board for a re-registered expert who had submitted", async () => {
    const onresume = vi.fn();
    const statuses = expertStatusFixture();
    render(StatusBoard, { statuses, onregister: vi.fn(), onrevoke: vi.fn(), onpaper: vi.fn(), onresume, reRegistered: [1] });
    const open = screen.getAllByTestId("resume-open");
    expect(open.map((b) => b.dataset.expertId)).toEqual(["1"]);
    await fireEvent.click(open[0]!);
    expect(onresume).toHaveBeenCalledWith(statuses[0]);
  });

  it("is written into the folder the clerk picked, and named", async () => {
    vi.mocked(chooseSaveFolder).mockResolvedValue({ handle: "stick", name: "U盘" });
    render(ResumeDialog, { reviewId: "r1", expertId: 1, expertName: "王喆", onclose: vi.fn() });
    await fireEvent.click(screen.getByTestId("resume-write"));
    await waitFor(() => expect(ipc.callsOf("write_resume_file")).toHaveLength(1));
    expect(ipc.callsOf("write_resume_file")[0]?.args).toEqual({ reviewId: "r1", expertId: 1, folder: "stick" });
    expect((await screen.findByTestId("resume-done")).textContent).toContain("resume-1-9f2c4e1ab37d.pdresume");
  });
});
