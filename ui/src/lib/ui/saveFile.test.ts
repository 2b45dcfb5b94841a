import { beforeEach, describe, expect, it, vi } from "vitest";
import { chooseSaveFile } from "$lib/ipc/dialog";
import { saveFile } from "./saveFile";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

const request = { title: "备份评审", fileName: "r-1.pdreview", filterName: "PanelDesk 评审文件", extensions: ["pdreview"] };

beforeEach(() => vi.mocked(chooseSaveFile).mockReset());

describe("saving a file where the user chooses", () => {
  it("asks the shell where, then writes through the handle it answered", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-1", name: "r-1.pdreview" });
    const write = vi.fn(async (handle: string) => `${handle}:20480`);
    expect(await saveFile(request, write)).toEqual({ name: "r-1.pdreview", result: "save-1:20480" });
    expect(vi.mocked(chooseSaveFile)).toHaveBeenCalledWith(request);
    expect(write).toHaveBeenCalledWith("save-1");
  });

  it("writes nothing when the dialog is cancelled", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue(null);
    const write = vi.fn();
    expect(await saveFile(request, write)).toBeNull();
    expect(write).not.toHaveBeenCalled();
  });

  it("passes the core's refusal on", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-1", name: "r-1.pdreview" });
    const refused = { code: "io", message_zh: "无法写入", message_en: "Cannot write" };
    await expect(saveFile(request, () => Promise.reject(refused))).rejects.toEqual(refused);
  });
});
