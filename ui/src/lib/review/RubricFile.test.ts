import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chooseOpenFiles, chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import type { CategoryRubric, IpcError } from "$lib/ipc/types";
import { categories, ipcError } from "$lib/testing/fixtures";
import RubricFile from "./RubricFile.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

const REVIEW = "2026-innovation_case-test";
let ipc: MockedCommands;

function stored(): CategoryRubric[] {
  return structuredClone(categories).map((category) => ({
    category,
    vote_threshold: "more_than_half",
    grades: [],
    sent: [],
  }));
}

const locked = ipcError("rubric_locked", "评分细则已锁定：已随评审包发出", "the rubric is locked: it went out with a package");

beforeEach(() => {
  freshPage();
  vi.mocked(chooseSaveFile).mockReset();
  vi.mocked(chooseOpenFiles).mockReset();
});
afterEach(clearCommandMocks);

describe("the rubric file in the app", () => {
  it("exports through the shell's save dialog, handing the core only the handle", async () => {
    ipc = mockCommands({ export_rubric: () => 2048 });
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-rubric", name: "评分细则.pdrubric.json" });
    render(RubricFile, { reviewId: REVIEW, title: "2026年案例评审", onimport: vi.fn() });
    await fireEvent.click(screen.getByTestId("rubric-export"));
    const done = await screen.findByTestId("rubric-file-notice");
    expect(done.textContent).toContain("评分细则.pdrubric.json");
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0].extensions).toEqual(["json"]);
    expect(ipc.callsOf("export_rubric")[0]?.args).toEqual({ reviewId: REVIEW, destination: "save-rubric" });
  });

  it("imports a picked file, and when a package went out asks before it unlocks", async () => {
    const onimport = vi.fn();
    let calls = 0;
    ipc = mockCommands({
      import_rubric: (args) => {
        calls += 1;
        if (!(args as { unlock: boolean }).unlock) throw locked;
        return stored();
      },
    });
    vi.mocked(chooseOpenFiles).mockResolvedValue([{ handle: "open-rubric", name: "去年.pdrubric.json" }]);
    render(RubricFile, { reviewId: REVIEW, title: "2026年案例评审", onimport });
    await fireEvent.click(screen.getByTestId("rubric-import"));
    const refusal = await screen.findByTestId("rubric-file-error");
    expect(refusal.textContent).toContain("已锁定");
    expect(onimport).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId("rubric-import-unlock"));
    await waitFor(() => expect(onimport).toHaveBeenCalledTimes(1));
    expect(calls).toBe(2);
    expect(ipc.callsOf("import_rubric")[1]?.args).toEqual({ reviewId: REVIEW, source: "open-rubric", unlock: true });
    expect(vi.mocked(chooseOpenFiles)).toHaveBeenCalledTimes(1);
    expect((await screen.findByTestId("rubric-file-notice")).textContent).toContain("去年.pdrubric.json");
  });
});
