import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chooseSaveFile, chooseSaveFolder } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import { awards, clerkKeysUnlocked, ipcError, review } from "$lib/testing/fixtures";
import { currentError } from "$lib/ui/errors.svelte";
import PrintPanel from "./PrintPanel.svelte";
import { clerkKeys } from "$lib/ui/clerkKeys.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

const missingGlyphs = ipcError(
  "missing_glyphs",
  "字体缺少以下字符，无法印制：PD2026-case_branch-001 欧阳䶮（䶮）",
  "The font lacks characters: PD2026-case_branch-001 欧阳䶮 (䶮)",
);

let ipc: MockedCommands;

beforeEach(() => {
  freshPage({ clerkUnlocked: true });
  ipc = mockCommands({ print_report: () => 14540, print_certificates: () => awards() });
});
afterEach(clearCommandMocks);

const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

describe("printing", () => {
  it("saves a report where the clerk chose and says how big it is", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-summary", name: "汇总表.pdf" });
    render(PrintPanel, { review });
    await fireEvent.click(button("print-summary"));

    const notice = await screen.findByTestId("print-notice");
    expect(notice.textContent).toContain("已保存为 汇总表.pdf（14.2 KB）");
    expect(ipc.callsOf("print_report")[0]?.args).toEqual({
      reviewId: review.id,
      kind: "summary",
      destination: "save-summary",
    });
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0]).toMatchObject({
      fileName: "2026年基层党建创新典型案例评审结果汇总表.pdf",
      extensions: ["pdf"],
    });

    await fireEvent.click(button("print-score_sheets"));
    await waitFor(() => expect(ipc.callsOf("print_report")).toHaveLength(2));
    expect(ipc.callsOf("print_report")[1]?.args).toMatchObject({ kind: "score_sheets" });
    await fireEvent.click(button("print-announcement"));
    await waitFor(() => expect(ipc.callsOf("print_report")).toHaveLength(3));
    expect(ipc.callsOf("print_report")[2]?.args).toMatchObject({ kind: "announcement" });
  });

  it("prints reports with the clerk's keys locked, but asks for the passphrase before certificates", async () => {
    clerkKeys.status = { ...clerkKeysUnlocked, unlocked: false };
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-summary", name: "汇总表.pdf" });
    render(PrintPanel, { review });
    expect(screen.queryByTestId("print-certificates")).toBeNull();
    expect(screen.getByTestId("clerk-key-gate").dataset.state).toBe("protected");
    await fireEvent.click(button("print-summary"));
    expect(await screen.findByTestId("print-notice")).toBeTruthy();
    expect(ipc.callsOf("print_certificates")).toHaveLength(0);
  });

  it("prints certificates and names how many, from the first serial to the last", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-certificates", name: "证书.pdf" });
    render(PrintPanel, { review });
    await fireEvent.click(button("print-certificates"));
    const notice = await screen.findByTestId("print-notice");
    expect(notice.textContent).toContain(
      "已印制 2 张证书（编号 PD2026-case_university-001 至 PD2026-case_branch-001），保存为 证书.pdf",
    );
    expect(ipc.callsOf("print_certificates")[0]?.args).toEqual({ reviewId: review.id, destination: "save-certificates" });
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0]).toMatchObject({ fileName: "2026年基层党建创新典型案例评审证书.pdf" });
  });

  it("prints the certificates per university into a folder the clerk chose", async () => {
    ipc = mockCommands({ print_certificates_per_university: () => awards() });
    vi.mocked(chooseSaveFolder).mockResolvedValue({ handle: "save-folder", name: "证书分校" });
    render(PrintPanel, { review });
    await fireEvent.click(button("print-certificates_per_university"));
    const notice = await screen.findByTestId("print-notice");
    expect(notice.textContent).toContain("已按学校印制 2 张证书");
    expect(notice.textContent).toContain("领取签收单");
    expect(notice.textContent).toContain("证书分校");
    expect(ipc.callsOf("print_certificates_per_university")[0]?.args).toEqual({
      reviewId: review.id,
      folder: "save-folder",
    });
  });

  it("prints nothing when the save dialog is cancelled", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue(null);
    render(PrintPanel, { review });
    await fireEvent.click(button("print-announcement"));
    await waitFor(() => expect(vi.mocked(chooseSaveFile)).toHaveBeenCalled());
    await waitFor(() => expect(button("print-announcement").disabled).toBe(false));
    expect(ipc.calls).toHaveLength(0);
    expect(screen.queryByTestId("print-notice")).toBeNull();
  });

  it("keeps every button disabled while one document is being written", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-announcement", name: "公示.pdf" });
    let finish: (bytes: number) => void = () => {};
    ipc = mockCommands({ print_report: () => new Promise<number>((resolve) => (finish = resolve)) });
    render(PrintPanel, { review });
    await fireEvent.click(button("print-announcement"));
    await waitFor(() => expect(ipc.callsOf("print_report")).toHaveLength(1));
    for (const id of ["print-summary", "print-score_sheets", "print-announcement", "print-certificates"]) {
      expect(button(id).disabled, id).toBe(true);
    }
    expect(button("print-announcement").textContent?.trim()).toBe("正在生成…");
    finish(2048);
    await screen.findByTestId("print-notice");
    expect(button("print-certificates").disabled).toBe(false);
  });

  it("shows the core's whole message when certificates lack glyphs", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-certificates", name: "证书.pdf" });
    ipc = mockCommands({
      print_certificates: () => {
        throw missingGlyphs;
      },
    });
    render(PrintPanel, { review });
    await fireEvent.click(button("print-certificates"));
    await waitFor(() => expect(currentError()).toEqual(missingGlyphs));
    expect(screen.queryByTestId("print-notice")).toBeNull();
    expect(button("print-certificates").disabled).toBe(false);
  });
});
