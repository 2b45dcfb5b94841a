// A province's panel in a light window (issue 24): 3,000 nominations in one category, of
// which the grid keeps only the rows in view in the DOM. The keys, a mark typed far down
// and the ways to a row from elsewhere on the screen still reach rows not rendered yet.
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearCommandMocks } from "$lib/ipc/mock";
import type { Incomplete, PackagedNomination } from "$lib/ipc/types";
import {
  categoryProgress,
  panelNominations,
  panelPackage,
  panelViewFixture,
  pointsOutOfRange,
  scoreItem,
} from "$lib/testing/fixtures";
import { mockPanel } from "$lib/testing/panelMock";
import { freshPage } from "$lib/testing/page";
import { openExpertScreen, scoreCell, scoreRow } from "$lib/testing/expertScreen";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

const COUNT = 3000;
const FIRST_ID = 10_000;

/** The 3,000 nominees of one category; the 11th (row 10) is recused automatically. */
function provincePanel() {
  const template = panelNominations.find((n) => n.id === 103)!;
  const nominations: PackagedNomination[] = Array.from({ length: COUNT }, (_, i) => ({
    ...template,
    id: FIRST_ID + i,
    display_name: `第${i + 1}号教工党支部`,
    university: `第${(i % 40) + 1}师范大学`,
  }));
  const view = panelViewFixture({
    package: panelPackage({ nominations }),
    progress: [categoryProgress("model_branch", 0, COUNT, 1)],
  });
  const items = nominations.map((n, i) =>
    i === 10 ? scoreItem(n.id, { recusal: { reason: "same_institution", note: "", automatic: true } }) : scoreItem(n.id),
  );
  return { view, items, nominations };
}

const rowIds = () => screen.getAllByTestId("score-row").map((r) => Number(r.dataset.nomination));
const active = () => document.activeElement as HTMLElement | null;

/**
 * Scrolls the page as a wheel would, to put row `index` at the top: jsdom lays nothing out,
 * so the position is set by hand, from the rows' one height.
 */
async function scrollPageToRow(index: number) {
  const height = Number.parseFloat(screen.getAllByTestId("score-row")[0]!.style.height);
  document.documentElement.scrollTop = index * height;
  await fireEvent.scroll(window);
}

beforeEach(() => {
  freshPage();
  document.documentElement.scrollTop = 0;
});
afterEach(clearCommandMocks);

describe("a panel of 3,000 nominations", () => {
  it("keeps only a window of rows in the DOM, and says how many rows the grid has", async () => {
    const { view, items } = provincePanel();
    mockPanel({ view, items });
    const grid = await openExpertScreen();

    const ids = rowIds();
    expect(ids.length).toBeGreaterThan(5);
    expect(ids.length).toBeLessThan(100);
    expect(ids[0]).toBe(FIRST_ID);
    // One table: its row count is the whole category's, each row's index its place in it.
    const table = within(grid).getByRole("table");
    expect(table.getAttribute("aria-rowcount")).toBe(String(COUNT + 1));
    expect(scoreRow(FIRST_ID).getAttribute("aria-rowindex")).toBe("2");
    // Every row the same height, whatever it holds (the recused row too).
    const heights = new Set(screen.getAllByTestId("score-row").map((r) => r.style.height));
    expect(heights.size).toBe(1);
    expect([...heights][0]).toMatch(/^\d+px$/);
  });

  it("moves down from the last row in the DOM to the next nominee's cell, which comes into the DOM", async () => {
    const { view, items } = provincePanel();
    mockPanel({ view, items });
    await openExpertScreen();

    const last = rowIds().at(-1)!;
    const next = last + 1;
    expect(rowIds()).not.toContain(next);

    scoreCell(last, "c2").focus();
    await fireEvent.keyDown(scoreCell(last, "c2"), { key: "ArrowDown" });
    expect(active()?.dataset.nomination).toBe(String(next));
    expect(active()?.dataset.criterion).toBe("c2");
    expect(rowIds()).toContain(next);
    // The row's index says where it stands among the 3,000.
    expect(scoreRow(next).getAttribute("aria-rowindex")).toBe(String(next - FIRST_ID + 2));

    // Enter goes on down, again beyond the rows rendered before.
    const beyond = rowIds().at(-1)!;
    scoreCell(beyond, "c1").focus();
    await fireEvent.keyDown(scoreCell(beyond, "c1"), { key: "Enter" });
    expect(active()?.dataset.nomination).toBe(String(beyond + 1));
    expect(active()?.dataset.criterion).toBe("c1");

    // The comment too.
    const comment = within(scoreRow(beyond + 1)).getByTestId("comment-cell");
    comment.focus();
    await fireEvent.keyDown(comment, { key: "Enter" });
    expect(active()?.dataset.testid).toBe("comment-cell");
    expect(active()?.dataset.nomination).toBe(String(beyond + 2));
  });

  it("moves up to a row scrolled out of the DOM, skipping a recused one", async () => {
    const { view, items } = provincePanel();
    mockPanel({ view, items });
    await openExpertScreen();

    // Row 11 (index 10) is recused: ↑ from row 12 goes to row 10.
    scoreCell(FIRST_ID + 11, "c1").focus();
    await fireEvent.keyDown(scoreCell(FIRST_ID + 11, "c1"), { key: "ArrowUp" });
    expect(active()?.dataset.nomination).toBe(String(FIRST_ID + 9));

    // Far down, the first row in the DOM; ↑ reaches the one before it.
    await scrollPageToRow(1500);
    const first = rowIds()[0]!;
    expect(first).toBeGreaterThan(FIRST_ID + 1000);
    scoreCell(first, "c1").focus();
    await fireEvent.keyDown(scoreCell(first, "c1"), { key: "ArrowUp" });
    expect(active()?.dataset.nomination).toBe(String(first - 1));
    expect(rowIds()).toContain(first - 1);
  });

  it("tabs from the last control of the last row in the DOM into the next row, and back", async () => {
    const { view, items } = provincePanel();
    mockPanel({ view, items });
    await openExpertScreen();

    const last = rowIds().at(-1)!;
    const recuse = within(scoreRow(last)).getByTestId("recuse-button");
    recuse.focus();
    const tab = new KeyboardEvent("keydown", { key: "Tab", bubbles: true, cancelable: true });
    recuse.dispatchEvent(tab);
    // The browser would have left the grid: the grid takes the step itself.
    expect(tab.defaultPrevented).toBe(true);
    await waitFor(() => expect(active()?.dataset.nomination).toBe(String(last + 1)));
    expect(active()?.dataset.testid).toBe("nominee-open");

    // Shift+Tab from the first control of the first row in the DOM.
    await scrollPageToRow(800);
    const first = rowIds()[0]!;
    const open = within(scoreRow(first)).getByTestId("nominee-open");
    open.focus();
    await fireEvent.keyDown(open, { key: "Tab", shiftKey: true });
    await waitFor(() => expect(active()?.dataset.nomination).toBe(String(first - 1)));
    expect(active()?.dataset.testid).toBe("recuse-button");

    // Inside the rows in the DOM the browser's own Tab order is left alone.
    const middle = within(scoreRow(rowIds()[5]!)).getByTestId("recuse-button");
    const inside = new KeyboardEvent("keydown", { key: "Tab", bubbles: true, cancelable: true });
    middle.dispatchEvent(inside);
    expect(inside.defaultPrevented).toBe(false);
  });

  it("saves a mark typed in a far row, and shows it saved when the row comes back", async () => {
    const { view, items } = provincePanel();
    const { ipc } = mockPanel({ view, items });
    await openExpertScreen();

    const far = FIRST_ID + 2500;
    expect(rowIds()).not.toContain(far);
    await scrollPageToRow(2500);
    expect(rowIds()).toContain(far);
    expect(rowIds().length).toBeLessThan(100);

    await fireEvent.input(scoreCell(far, "c1"), { target: { value: "12.5" } });
    await fireEvent.keyDown(scoreCell(far, "c1"), { key: "Enter" });
    await waitFor(() => expect(scoreCell(far, "c1").dataset.state).toBe("saved"));
    expect(ipc.callsOf("set_points").map((c) => c.args)).toEqual([
      expect.objectContaining({ nominationId: far, criterionKey: "c1", points: 12.5 }),
    ]);

    // Away and back: the row is rendered anew from what the core holds.
    await scrollPageToRow(0);
    expect(rowIds()).not.toContain(far);
    await scrollPageToRow(2500);
    expect(scoreCell(far, "c1").value).toBe("12.5");
    expect(scoreCell(far, "c1").dataset.state).toBe("saved");
    expect(within(scoreRow(far)).getByTestId("score-total").textContent).toContain("12.5");
  });

  it("keeps a row's height when a cell is refused: the reason floats over the rows below", async () => {
    const { view, items } = provincePanel();
    mockPanel({
      view,
      items,
      handlers: {
        set_points: () => {
          throw pointsOutOfRange;
        },
      },
    });
    await openExpertScreen();
    const id = FIRST_ID + 3;
    const height = scoreRow(id).style.height;
    await fireEvent.input(scoreCell(id, "c1"), { target: { value: "16" } });
    await fireEvent.change(scoreCell(id, "c1"));
    const error = await within(scoreRow(id)).findByTestId("cell-error");
    expect(error.textContent).toContain("超出范围");
    // Described to a screen reader from the row; shown as a bubble, not a line under the input.
    expect(scoreCell(id, "c1").getAttribute("aria-describedby")).toContain(error.id);
    expect(error.closest('[data-testid="cell-box"]')!.classList.contains("floating")).toBe(true);
    expect(scoreRow(id).style.height).toBe(height);

    // The candidate page beside the grid has the room: there it stands under the input.
    await fireEvent.click(within(scoreRow(id)).getByTestId("nominee-open"));
    const page = screen.getByTestId("candidate-panel");
    const inPage = within(page).getByTestId("cell-error");
    expect(inPage.textContent).toContain("超出范围");
    expect(inPage.closest('[data-testid="cell-box"]')!.classList.contains("floating")).toBe(false);
  });

  it("leads from the submit panel's list to a far row's cell", async () => {
    const { view, items, nominations } = provincePanel();
    const far = nominations[2900]!;
    const incomplete: Incomplete[] = [
      { nomination_id: far.id, display_name: far.display_name, category_key: "model_branch", missing: [{ kind: "criterion", key: "c1" }] },
    ];
    mockPanel({ view, items, handlers: { panel_incomplete: () => incomplete } });
    await openExpertScreen();
    await fireEvent.click(screen.getByTestId("submit-open"));
    await fireEvent.click(await screen.findByTestId("incomplete-item"));
    await waitFor(() => expect(active()?.dataset.nomination).toBe(String(far.id)));
    expect(active()?.dataset.testid).toBe("score-cell");
    expect(rowIds().length).toBeLessThan(100);
  });

  it("follows Alt+↓ from the candidate page's nominee to the next row, out of the DOM before", async () => {
    const { view, items } = provincePanel();
    mockPanel({ view, items });
    await openExpertScreen();
    const last = rowIds().at(-1)!;
    await fireEvent.click(within(scoreRow(last)).getByTestId("nominee-open"));
    expect(screen.getByTestId("candidate-panel").dataset.nomination).toBe(String(last));
    scoreCell(last, "c1").focus();
    await fireEvent.keyDown(scoreCell(last, "c1"), { key: "ArrowDown", altKey: true });
    await waitFor(() => expect(screen.getByTestId("candidate-panel").dataset.nomination).toBe(String(last + 1)));
    await waitFor(() => expect(active()?.dataset.nomination).toBe(String(last + 1)));
    expect(rowIds()).toContain(last + 1);
  });
});
