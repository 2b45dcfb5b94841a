import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearCommandMocks } from "$lib/ipc/mock";
import { PANEL_HASH, panelViewFixture } from "$lib/testing/fixtures";
import { mockPanel } from "$lib/testing/panelMock";
import ExpertScreen from "./ExpertScreen.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

beforeEach(() => {
  freshPage();
});
afterEach(clearCommandMocks);

describe("the clerk's score bands on the expert's laptop", () => {
  it("stand beside the inputs in the grid and on the candidate page, as the package carries them", async () => {
    const view = structuredClone(panelViewFixture());
    view.package.categories[0]!.rubric.criteria[0]!.bands = [
      { label: "优", from: 13.5, to: 15 },
      { label: "良", from: 10, to: 13 },
    ];
    mockPanel({ view });
    render(ExpertScreen, { hash: PANEL_HASH, onback: vi.fn() });
    const grid = await screen.findByTestId("score-grid");

    // Only the criterion that has bands shows them.
    const shown = within(grid).getAllByTestId("grid-bands");
    expect(shown.map((b) => b.textContent)).toEqual(["优 13.5–15；良 10–13"]);

    const row = screen.getAllByTestId("score-row").find((r) => r.dataset.nomination === "101")!;
    await fireEvent.click(within(row).getByTestId("nominee-open"));
    const page = screen.getByTestId("candidate-panel");
    expect(page.textContent).toContain("理论学习制度健全");
    expect(within(page).getAllByTestId("candidate-bands").map((b) => b.textContent?.trim())).toEqual([
      "分档：优 13.5–15；良 10–13",
    ]);
  });
});

describe("a weighted criterion on the expert's laptop", () => {
  it("says beside its inputs that its points count weight times in the total", async () => {
    const view = structuredClone(panelViewFixture());
    view.package.categories[0]!.rubric.criteria[1]!.weight = 1.5;
    mockPanel({ view });
    render(ExpertScreen, { hash: PANEL_HASH, onback: vi.fn() });
    const grid = await screen.findByTestId("score-grid");
    const shown = within(grid).getAllByTestId("grid-weight");
    expect(shown.map((w) => w.textContent?.trim())).toEqual(["权重 ×1.5（计入总分）"]);
  });
});
