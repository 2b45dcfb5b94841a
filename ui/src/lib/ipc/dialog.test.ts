import { afterEach, describe, expect, it } from "vitest";
import { chooseFolder, chooseOpenFiles, chooseSaveFile, chooseSaveFolder } from "./dialog";
import { clearCommandMocks, mockCommands } from "./mock";

afterEach(clearCommandMocks);

describe("file dialogs", () => {
  it("are the shell's: the page asks, and gets handles and names back", async () => {
    const ipc = mockCommands({
      pick_save_file: () => ({ handle: "save-1", name: "汇总表.pdf" }),
      pick_files: () => [{ handle: "open-1", name: "a.pdresult" }],
      pick_folder: () => ({ handle: "folder-1", name: "推荐表" }),
      pick_save_folder: () => ({ handle: "folder-2", name: "U盘" }),
    });
    expect(
      await chooseSaveFile({ title: "保存", fileName: "汇总表.pdf", filterName: "PDF", extensions: ["pdf"] }),
    ).toEqual({ handle: "save-1", name: "汇总表.pdf" });
    expect(ipc.callsOf("pick_save_file")[0]?.args).toEqual({
      title: "保存",
      suggestedName: "汇总表.pdf",
      filterName: "PDF",
      extensions: ["pdf"],
    });

    expect(await chooseOpenFiles({ title: "打开", filterName: "结果", extensions: ["pdresult"] })).toEqual([
      { handle: "open-1", name: "a.pdresult" },
    ]);
    expect(ipc.callsOf("pick_files")[0]?.args).toEqual({
      title: "打开",
      filterName: "结果",
      extensions: ["pdresult"],
      multiple: true,
    });

    expect(await chooseFolder({ title: "文件夹" })).toEqual({ handle: "folder-1", name: "推荐表" });
    expect(await chooseSaveFolder({ title: "U盘" })).toEqual({ handle: "folder-2", name: "U盘" });
  });

  it("say null when the user cancelled", async () => {
    mockCommands({ pick_save_file: () => null, pick_files: () => [], pick_folder: () => null });
    expect(await chooseSaveFile({ title: "", fileName: "x.pdf", filterName: "", extensions: [] })).toBeNull();
    expect(await chooseOpenFiles({ title: "", filterName: "", extensions: [], multiple: false })).toBeNull();
    expect(await chooseFolder({ title: "" })).toBeNull();
  });
});
