import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chooseOpenFiles, chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import type { MaterialInfo } from "$lib/ipc/types";
import { nominations, review } from "$lib/testing/fixtures";
import NominationDetail from "./NominationDetail.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

// pdf.js runs in the real app (tests/e2e); here the PDF never finishes opening.
vi.mock("$lib/reader/pdf", () => ({ openPdf: vi.fn(() => new Promise(() => {})), CHUNK: 262144 }));

const materials: MaterialInfo[] = [
  { named: "推荐表", file_name: "推荐表.pdf", bytes: 14540, sha256: "a".repeat(64) },
  { named: "案例材料", file_name: "案例材料.doc", bytes: 812, sha256: "b".repeat(64) },
];

let ipc: MockedCommands;

beforeEach(() => {
  freshPage();
  ipc = mockCommands({
    nomination_materials: () => structuredClone(materials),
    save_review_material: () => "案例材料 (2).doc",
  });
});
afterEach(() => clearCommandMocks());

function show(followUp = false) {
  const nomination = nominations[0]!;
  render(NominationDetail, { reviewId: review.id, nomination, followUp, onchange: vi.fn() });
  return nomination;
}

describe("the clerk's nomination detail: its materials", () => {
  it("lists each material with 阅读 and 另存为…", async () => {
    const nomination = show();
    const rows = await screen.findAllByTestId("material-row");
    expect(rows.map((r) => r.dataset.sha256)).toEqual(["a".repeat(64), "b".repeat(64)]);
    expect(ipc.callsOf("nomination_materials")[0]?.args).toEqual({ reviewId: review.id, nominationId: nomination.id });
    expect(within(rows[0]!).getByTestId("material-read").textContent?.trim()).toBe("阅读");
    expect(within(rows[0]!).getByTestId("material-read").dataset.kind).toBe("pdf");
    // A .doc cannot be shown: the reader says why and offers a copy.
    expect(within(rows[1]!).getByTestId("material-read").dataset.kind).toBe("none");
    expect(rows.map((r) => within(r).getByTestId("material-save").textContent?.trim())).toEqual(["另存为…", "另存为…"]);
  });

  it("opens the reader beside the detail on the review's address, and closes it with Escape", async () => {
    show();
    const rows = await screen.findAllByTestId("material-row");
    await fireEvent.click(within(rows[0]!).getByTestId("material-read"));
    const reader = await screen.findByTestId("reader");
    expect(screen.getByTestId("reader-split")).toBeTruthy();
    expect(reader.dataset.kind).toBe("pdf");
    expect(reader.dataset.url).toBe(`material://localhost/review/${review.id}/${"a".repeat(64)}`);
    // The detail stays beside it.
    expect(screen.getByTestId("correct-open")).toBeTruthy();
    await fireEvent.keyDown(window, { key: "ArrowRight", altKey: true });
    await waitFor(() => expect(reader.dataset.kind).toBe("none"));
    await fireEvent.keyDown(reader, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("reader")).toBeNull());
  });

  it("saves a copy of a review's material through the shell's dialog", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-material", name: "案例材料.doc" });
    show();
    const rows = await screen.findAllByTestId("material-row");
    await fireEvent.click(within(rows[1]!).getByTestId("material-save"));
    await waitFor(() => expect(rows[1]!.textContent).toContain("已保存为 案例材料 (2).doc"));
    expect(ipc.callsOf("save_review_material")[0]?.args).toEqual({
      reviewId: review.id,
      sha256: "b".repeat(64),
      destination: "save-material",
    });
  });

  it("attaches a unit's self-evaluation in a follow-up review, picked in the shell's dialog", async () => {
    const stored = [...materials];
    ipc = mockCommands({
      nomination_materials: () => structuredClone(stored),
      attach_self_evaluation: () => {
        const added = { named: "自评报告", file_name: "自评报告.pdf", bytes: 2048, sha256: "c".repeat(64) };
        stored.push(added);
        return added;
      },
    });
    vi.mocked(chooseOpenFiles).mockResolvedValue([{ handle: "self-evaluation", name: "自评报告.pdf" }]);
    const nomination = show(true);
    await screen.findAllByTestId("material-row");
    await fireEvent.click(screen.getByTestId("self-evaluation-attach"));
    await waitFor(() => expect(screen.getAllByTestId("material-row")).toHaveLength(3));
    expect(ipc.callsOf("attach_self_evaluation")[0]?.args).toEqual({
      reviewId: review.id,
      nominationId: nomination.id,
      file: "self-evaluation",
    });
    expect(vi.mocked(chooseOpenFiles).mock.calls.at(-1)?.[0].multiple).toBe(false);
  });

  it("offers no self-evaluation in a selection, whose materials come with its workbooks", async () => {
    show();
    await screen.findAllByTestId("material-row");
    expect(screen.queryByTestId("self-evaluation-attach")).toBeNull();
  });
});
