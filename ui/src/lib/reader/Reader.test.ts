import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import ExpertScreen from "$lib/expert/ExpertScreen.svelte";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks } from "$lib/ipc/mock";
import { PANEL_HASH } from "$lib/testing/fixtures";
import { mockPanel } from "$lib/testing/panelMock";
import { dismissError } from "$lib/ui/errors.svelte";
import { decodeText, fetchRange, kindOf, materialUrl } from "./source";

vi.mock("$lib/ipc/dialog", () => ({
  chooseOpenFiles: vi.fn(),
  chooseFolder: vi.fn(),
  chooseSaveFile: vi.fn(),
  chooseSaveFolder: vi.fn(),
}));

// pdf.js itself runs in the real app (tests/e2e); here the PDF never finishes opening.
vi.mock("./pdf", () => ({ openPdf: vi.fn(() => new Promise(() => {})), CHUNK: 262144 }));

beforeEach(() => {
  localStorage.clear();
  setLang("zh-CN");
  dismissError();
});
afterEach(() => {
  clearCommandMocks();
  vi.unstubAllGlobals();
});

const material = (file_name: string) => ({ named: file_name, file_name, bytes: 10, sha256: "c".repeat(64) });

describe("where materials come from", () => {
  it("names a material by package and content hash on the shell's scheme, never by path", () => {
    expect(materialUrl(PANEL_HASH, "a".repeat(64))).toBe(`material://localhost/panel/${PANEL_HASH}/${"a".repeat(64)}`);
  });

  it("shows PDFs, images and text, and nothing else", () => {
    expect(kindOf(material("申报书.PDF"))).toBe("pdf");
    expect(kindOf(material("合影.jpeg"))).toBe("image");
    expect(kindOf(material("说明.txt"))).toBe("text");
    expect(kindOf(material("旧版.doc"))).toBe("none");
    expect(kindOf(material("视频.mp4"))).toBe("none");
    expect(kindOf(material("图.svg"))).toBe("none");
  });

  it("reads text as UTF-8, or as GBK from older Chinese Windows", () => {
    expect(decodeText(new TextEncoder().encode("材料说明"))).toBe("材料说明");
    // 材料 in GBK.
    expect(decodeText(new Uint8Array([0xb2, 0xc4, 0xc1, 0xcf]))).toBe("材料");
  });

  it("asks for a range and refuses what the shell refused", async () => {
    const fetch = vi.fn(async (_url: string, init?: RequestInit) => {
      const range = (init?.headers as Record<string, string> | undefined)?.Range;
      if (range === "bytes=0-3") return new Response(new Uint8Array([1, 2, 3, 4]), { status: 206 });
      return new Response(null, { status: 404 });
    });
    vi.stubGlobal("fetch", fetch);
    expect(Array.from(await fetchRange("material://localhost/x", 0, 4))).toEqual([1, 2, 3, 4]);
    await expect(fetchRange("material://localhost/x", 4, 8)).rejects.toThrow("404");
  });
});

describe("the reader beside the grid", () => {
  async function openReader() {
    const panel = mockPanel({ handlers: { save_material: () => "事迹材料 (2).docx" } });
    render(ExpertScreen, { hash: PANEL_HASH, onback: vi.fn() });
    await screen.findByTestId("score-grid");
    const read = screen.getAllByTestId("nominee-read");
    // Only 101 carries materials.
    expect(read.map((b) => b.dataset.nomination)).toEqual(["101"]);
    await fireEvent.click(read[0]!);
    return panel;
  }

  it("opens a nominee's first material in a split beside the grid, which stays usable", async () => {
    await openReader();
    const reader = await screen.findByTestId("reader");
    expect(reader.dataset.kind).toBe("pdf");
    expect(screen.getByTestId("reader-nominee").textContent).toBe("化学系第一党支部");
    expect(within(reader).getAllByTestId("reader-tab").map((t) => t.textContent?.trim())).toEqual(["推荐表", "事迹材料"]);
    expect(screen.getByTestId("reader-split")).toBeTruthy();
    expect(screen.getByTestId("score-grid")).toBeTruthy();
    expect(screen.queryByTestId("candidate-panel")).toBeNull();
  });

  it("moves between materials with Alt+←/→ and saves a copy of what it cannot show", async () => {
    const { ipc } = await openReader();
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-material", name: "事迹材料.docx" });
    await fireEvent.keyDown(window, { key: "ArrowRight", altKey: true });
    const reader = screen.getByTestId("reader");
    await waitFor(() => expect(reader.dataset.kind).toBe("none"));
    const cannot = screen.getByTestId("reader-cannot");
    expect(cannot.textContent).toContain("无法在评审软件内显示");
    await fireEvent.click(within(cannot).getByTestId("reader-save"));
    await waitFor(() => expect(cannot.textContent).toContain("已保存为 事迹材料 (2).docx"));
    expect(ipc.callsOf("save_material")[0]?.args).toMatchObject({ hash: PANEL_HASH, sha256: "b".repeat(64) });
    await fireEvent.keyDown(window, { key: "ArrowLeft", altKey: true });
    await waitFor(() => expect(reader.dataset.kind).toBe("pdf"));
  });

  it("goes to the next nominee with Alt+↓, the cursor following in the grid, and closes with Escape", async () => {
    await openReader();
    const first = screen
      .getAllByTestId("score-cell")
      .find((c) => c.dataset.nomination === "101" && c.dataset.criterion === "c1") as HTMLInputElement;
    first.focus();
    await fireEvent.keyDown(first, { key: "ArrowDown", altKey: true });
    await waitFor(() => expect(screen.getByTestId("reader-nominee").textContent).toBe("文学院学生党支部"));
    expect(screen.getByTestId("reader").textContent).toContain("没有附带材料");
    // 102 is recused: its row has no cells, so the cursor stays on its name.
    expect((document.activeElement as HTMLElement | null)?.dataset.nomination).toBe("102");
    await fireEvent.keyDown(window, { key: "ArrowUp", altKey: true });
    await waitFor(() => expect(screen.getByTestId("reader-nominee").textContent).toBe("化学系第一党支部"));
    await fireEvent.keyDown(screen.getByTestId("reader"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("reader")).toBeNull());
    expect(screen.getByTestId("candidate-panel")).toBeTruthy();
  });

  it("resizes from the keyboard and keeps the width on this laptop", async () => {
    await openReader();
    const handle = screen.getByTestId("reader-resize");
    expect(handle.getAttribute("aria-valuenow")).toBe("50");
    await fireEvent.keyDown(handle, { key: "ArrowLeft" });
    expect(handle.getAttribute("aria-valuenow")).toBe("55");
    await fireEvent.keyDown(handle, { key: "End" });
    expect(handle.getAttribute("aria-valuenow")).toBe("25");
    expect(localStorage.getItem("paneldesk.readerWidth")).toBe("25");
    // Alt+arrows are the screen's, not the handle's.
    await fireEvent.keyDown(handle, { key: "ArrowLeft", altKey: true });
    expect(handle.getAttribute("aria-valuenow")).toBe("25");
  });
});
