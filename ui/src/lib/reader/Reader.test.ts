import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import ExpertScreen from "$lib/expert/ExpertScreen.svelte";
import { chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks } from "$lib/ipc/mock";
import type { PanelView } from "$lib/ipc/types";
import { PANEL_HASH, panelViewFixture } from "$lib/testing/fixtures";
import { mockPanel } from "$lib/testing/panelMock";
import DocxView from "./DocxView.svelte";
import { decodeText, DOCX_LIMIT, fetchRange, kindOf, materialUrl } from "./source";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

// pdf.js itself runs in the real app (tests/e2e); here the PDF never finishes opening.
vi.mock("./pdf", () => ({ openPdf: vi.fn(() => new Promise(() => {})), CHUNK: 262144 }));

// docx-preview runs in the real app (tests/e2e); here it answers with what a document with
// a style sheet, an outward link and a remote picture would render to.
const docx = vi.hoisted(() => ({
  parseAsync: vi.fn(async (_data: unknown, _options?: Record<string, unknown>) => ({ parsed: true })),
  renderDocument: vi.fn(async (_doc: unknown, _options?: Record<string, unknown>): Promise<Node[]> => {
    const style = document.createElement("style");
    style.textContent = ".docx-wrapper { background: gray; } .docx p { margin: 0pt; }";
    const wrapper = document.createElement("div");
    wrapper.className = "docx-wrapper";
    const page = document.createElement("section");
    page.className = "docx";
    const p = document.createElement("p");
    p.append("申报书正文，见");
    const link = document.createElement("a");
    link.href = "https://example.edu.cn/more";
    link.textContent = "学校网站";
    p.append(link);
    const remote = document.createElement("img");
    remote.src = "https://example.edu.cn/track.png";
    const embedded = document.createElement("img");
    embedded.src = "data:image/png;base64,iVBORw0KGgo=";
    const frame = document.createElement("iframe");
    page.append(p, remote, embedded, frame);
    wrapper.append(page);
    return [document.createComment("docxjs library predefined styles"), style, wrapper];
  }),
}));
vi.mock("docx-preview", () => docx);

beforeEach(() => {
  freshPage();
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

  it("names a review's material by review id and content hash on the clerk's laptop", () => {
    expect(materialUrl("demo-2026-x", "a".repeat(64), "review")).toBe(`material://localhost/review/demo-2026-x/${"a".repeat(64)}`);
  });

  it("shows PDFs, images, text and .docx, and nothing else", () => {
    expect(kindOf(material("申报书.PDF"))).toBe("pdf");
    expect(kindOf(material("合影.jpeg"))).toBe("image");
    expect(kindOf(material("说明.txt"))).toBe("text");
    expect(kindOf(material("事迹材料.docx"))).toBe("docx");
    expect(kindOf({ ...material("很大的.docx"), bytes: DOCX_LIMIT + 1 })).toBe("none");
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
  async function openReader(view?: PanelView) {
    const panel = mockPanel({ view, handlers: { save_material: () => "事迹材料 (2).docx" } });
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

  it("moves between materials with Alt+←/→ and shows a .docx", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(new Uint8Array(812), { status: 206 })));
    await openReader();
    await fireEvent.keyDown(window, { key: "ArrowRight", altKey: true });
    const reader = screen.getByTestId("reader");
    await waitFor(() => expect(reader.dataset.kind).toBe("docx"));
    expect(screen.getByTestId("reader-docx")).toBeTruthy();
    await fireEvent.keyDown(window, { key: "ArrowLeft", altKey: true });
    await waitFor(() => expect(reader.dataset.kind).toBe("pdf"));
  });

  it("saves a copy of what it cannot show", async () => {
    const view = panelViewFixture();
    view.package.nominations[0]!.materials[1]!.file_name = "化学系第一党支部事迹材料.doc";
    const { ipc } = await openReader(view);
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-material", name: "事迹材料.doc" });
    await fireEvent.keyDown(window, { key: "ArrowRight", altKey: true });
    const reader = screen.getByTestId("reader");
    await waitFor(() => expect(reader.dataset.kind).toBe("none"));
    const cannot = screen.getByTestId("reader-cannot");
    expect(cannot.textContent).toContain("无法在评审软件内显示");
    await fireEvent.click(within(cannot).getByTestId("reader-save"));
    await waitFor(() => expect(cannot.textContent).toContain("已保存为 事迹材料 (2).docx"));
    expect(ipc.callsOf("save_material")[0]?.args).toMatchObject({ hash: PANEL_HASH, sha256: "b".repeat(64) });
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

describe("a .docx in the reader", () => {
  const URL = `material://localhost/review/demo-2026-x/${"d".repeat(64)}`;

  function served(status = 206) {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) =>
      status === 206 ? new Response(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), { status }) : new Response(null, { status }),
    );
    vi.stubGlobal("fetch", fetch);
    return fetch;
  }

  it("lays the document out from the whole material, with nothing it could fetch or follow", async () => {
    const fetch = served();
    render(DocxView, { url: URL, length: 6, name: "事迹材料" });
    const host = await screen.findByTestId("reader-docx");
    await waitFor(() => expect(host.dataset.state).toBe("shown"));
    expect(fetch).toHaveBeenCalledWith(URL, { headers: { Range: "bytes=0-5" } });

    // Pictures inline as data: URLs, no fonts, no embedded HTML, no comments.
    const options = docx.parseAsync.mock.calls[0]?.[1];
    expect(options).toMatchObject({ useBase64URL: true, ignoreFonts: true, renderAltChunks: false, renderComments: false });

    const page = host.shadowRoot!;
    expect(page.textContent).toContain("申报书正文，见学校网站");
    // Links become their text: nothing a university sent leads out of the app.
    expect(page.querySelectorAll("a").length).toBe(0);
    expect(page.querySelector("[href]")).toBeNull();
    // Only embedded pictures; nothing remote, no frames.
    expect(Array.from(page.querySelectorAll("img")).map((i) => i.getAttribute("src"))).toEqual(["data:image/png;base64,iVBORw0KGgo="]);
    expect(page.querySelector("iframe")).toBeNull();
    // No <style> elements, which the content policy refuses: the styles go in through the CSSOM.
    expect(page.querySelector("style")).toBeNull();
    expect(document.querySelector("style[data-docx], body > style")).toBeNull();
  });

  it("says so when the shell refuses the material", async () => {
    served(404);
    render(DocxView, { url: URL, length: 6, name: "事迹材料" });
    expect(await screen.findByTestId("reader-failed")).toBeTruthy();
  });
});
