// The grid for senior experts (issue 23, "readable for everyone"): one saved mark per cell in a
// slot of fixed size, a compact density kept on this laptop, rows that keyboard moves bring
// fully into view below the sticky headers.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearCommandMocks } from "$lib/ipc/mock";
import { panelItemsFixture, scoreItem } from "$lib/testing/fixtures";
import { mockPanel } from "$lib/testing/panelMock";
import { freshPage } from "$lib/testing/page";
import { openExpertScreen, scoreCell } from "$lib/testing/expertScreen";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

const scrollIntoView = vi.fn();

beforeEach(() => {
  freshPage();
  scrollIntoView.mockClear();
  // jsdom does not scroll; the grid asks for it.
  Element.prototype.scrollIntoView = scrollIntoView;
});
afterEach(clearCommandMocks);



/** The status slot beside a cell's control. */
function slotOf(control: HTMLElement): HTMLElement {
  const slot = control.closest('[data-testid="cell-box"]')?.querySelector<HTMLElement>('[data-testid="cell-status"]');
  if (!slot) throw new Error("no status slot beside the cell");
  return slot;
}

/** Entries the core already holds when the screen opens: two points and a comment on 101. */
function storedItems() {
  return panelItemsFixture().map((item) =>
    item.nomination_id === 101
      ? scoreItem(101, {
          criteria: { c1: 12 },
          comment: "组织生活规范",
          entered: { total: 12, max: 30, entered: true, complete: false },
        })
      : item,
  );
}

describe("one saved mark per cell", () => {
  it("marks every cell holding a stored value as saved, and keeps a slot beside every cell", async () => {
    mockPanel({ items: storedItems() });
    const grid = await openExpertScreen();

    // Every input of the grid has its slot, filled or not.
    const controls = [...within(grid).getAllByTestId("score-cell"), ...within(grid).getAllByTestId("comment-cell")];
    expect(within(grid).getAllByTestId("cell-status")).toHaveLength(controls.length);
    for (const control of controls) expect(slotOf(control)).toBeTruthy();

    // Loaded from the core, never edited here: saved all the same.
    expect(scoreCell(101, "c1").dataset.state).toBe("saved");
    expect(slotOf(scoreCell(101, "c1")).dataset.state).toBe("saved");
    expect(within(slotOf(scoreCell(101, "c1"))).getByText("已保存")).toBeTruthy();
    const comment = within(grid).getAllByTestId("comment-cell")[0]!;
    expect(comment.dataset.state).toBe("saved");
    expect(slotOf(comment).dataset.state).toBe("saved");
    // The mark is described to a screen reader.
    expect(scoreCell(101, "c1").getAttribute("aria-describedby")).toBe(slotOf(scoreCell(101, "c1")).id);

    // An empty cell holds nothing: its slot is there, empty.
    expect(scoreCell(101, "c2").dataset.state).toBe("idle");
    expect(slotOf(scoreCell(101, "c2")).dataset.state).toBe("idle");
    expect(slotOf(scoreCell(101, "c2")).textContent?.trim()).toBe("");
  });

  it("shows saving and then saved in the same slot, without adding anything to the row", async () => {
    let release: () => void = () => {};
    const { state } = mockPanel({
      handlers: {
        set_points: (args) =>
          new Promise((resolve) => {
            release = () => {
              const item = state.items.get(103)!;
              item.criteria.c2 = Number(args.points);
              resolve(structuredClone(item));
            };
          }),
      },
    });
    await openExpertScreen();
    const slot = slotOf(scoreCell(103, "c2"));
    await fireEvent.input(scoreCell(103, "c2"), { target: { value: "8" } });
    await fireEvent.change(scoreCell(103, "c2"));
    await waitFor(() => expect(slot.dataset.state).toBe("saving"));
    expect(within(slot).getByText("保存中…")).toBeTruthy();
    release();
    await waitFor(() => expect(slot.dataset.state).toBe("saved"));
    // The same element all along: the slot is never added or removed.
    expect(slotOf(scoreCell(103, "c2"))).toBe(slot);
    expect(within(slot).getByText("已保存")).toBeTruthy();
  });
});

describe("the grid's density", () => {
  it("is standard at first, turns compact from the toggle, and stays so on this laptop", async () => {
    mockPanel();
    let grid = await openExpertScreen();
    expect(grid.dataset.density).toBe("standard");
    expect(screen.getByTestId("density-standard").getAttribute("aria-pressed")).toBe("true");

    await fireEvent.click(screen.getByTestId("density-compact"));
    expect(grid.dataset.density).toBe("compact");
    expect(grid.classList.contains("compact")).toBe(true);
    expect(screen.getByTestId("density-compact").getAttribute("aria-pressed")).toBe("true");
    expect(localStorage.getItem("paneldesk.gridDensity")).toBe("compact");

    // The next time the screen opens.
    cleanup();
    mockPanel();
    grid = await openExpertScreen();
    expect(grid.dataset.density).toBe("compact");

    await fireEvent.click(screen.getByTestId("density-standard"));
    expect(grid.dataset.density).toBe("standard");
    expect(localStorage.getItem("paneldesk.gridDensity")).toBe("standard");
  });
});

describe("nothing hidden under the sticky headers", () => {
  it("brings the row a key moves to into view, with the cell's scroll margin below the header", async () => {
    mockPanel();
    const grid = await openExpertScreen();
    // The header's real height and the sticky columns' width reach the CSS.
    expect(grid.style.getPropertyValue("--grid-head")).toMatch(/px$/);
    expect(grid.style.getPropertyValue("--grid-sticky-left")).toMatch(/px$/);

    scoreCell(103, "c2").focus();
    scrollIntoView.mockClear();
    await fireEvent.keyDown(scoreCell(103, "c2"), { key: "ArrowUp" });
    expect(document.activeElement).toBe(scoreCell(101, "c2"));
    const cell = scoreCell(101, "c2").closest('[role="cell"]')!;
    expect(scrollIntoView.mock.contexts).toContain(cell);
    const call = scrollIntoView.mock.calls[scrollIntoView.mock.contexts.indexOf(cell)];
    expect(call?.[0]).toEqual({ block: "nearest", inline: "nearest" });
  });

  it("brings a cell reached by Tab into view as well", async () => {
    mockPanel();
    await openExpertScreen();
    scrollIntoView.mockClear();
    scoreCell(103, "c1").focus();
    const cell = scoreCell(103, "c1").closest('[role="cell"]')!;
    expect(scrollIntoView.mock.contexts).toContain(cell);
  });

  it("keeps the index and nominee columns as sticky columns", async () => {
    mockPanel();
    const grid = await openExpertScreen();
    const row = within(grid).getAllByTestId("score-row")[0]!;
    const sticky = [...row.querySelectorAll(".sticky-col")];
    expect(sticky.map((cell) => [cell.getAttribute("role"), cell.classList.contains("index") || cell.classList.contains("nominee")])).toEqual([
      ["cell", true],
      ["rowheader", true],
    ]);
    expect(grid.querySelectorAll('[role="columnheader"].sticky-col')).toHaveLength(2);
  });
});

describe("the grid to a screen reader", () => {
  it("is a table of grid rows: column headers, each row's nominee as its row header, a cell per column", async () => {
    mockPanel();
    const grid = await openExpertScreen();
    // Boxes laid out by CSS grid on one fixed track list, not an HTML table: a row scrolled
    // into the page is laid out alone, never the others with it.
    expect(grid.querySelector("table, thead, tbody, tr, td, th")).toBeNull();
    const table = within(grid).getByRole("table", { name: "样板支部" });
    const tracks = table.style.getPropertyValue("--columns").match(/minmax\([^)]*\)|\S+/g) ?? [];
    expect(tracks).toHaveLength(7);
    for (const track of tracks) expect(track).toMatch(/^(\d+(\.\d+)?rem|minmax\(\d+(\.\d+)?rem, 1fr\))$/);

    const headers = within(table).getAllByRole("columnheader");
    expect(headers.map((h) => h.querySelector(".head-name")?.textContent ?? h.textContent?.trim())).toEqual([
      "序号",
      "推荐对象",
      "教育党员有力",
      "管理党员有力",
      "合计",
      "评语",
      "回避",
    ]);
    // The header row and the three nominees' rows.
    expect(within(table).getAllByRole("row")).toHaveLength(4);

    const row = within(table).getAllByTestId("score-row")[0]!;
    expect(row.getAttribute("role")).toBe("row");
    expect(within(row).getByRole("rowheader").textContent).toContain("化学系第一党支部");
    const cells = within(row).getAllByRole("cell");
    expect(cells).toHaveLength(6);
    expect(cells[0]!.textContent?.trim()).toBe("1");
    // In the columns' order: index, nominee, the criteria, the total, the comment, recusal.
    const order = [...row.children].map((c) => c.getAttribute("role"));
    expect(order).toEqual(["cell", "rowheader", "cell", "cell", "cell", "cell", "cell"]);

    // A recused row: its note spans the score columns, the comment and the action.
    const recused = within(table).getAllByTestId("score-row")[1]!;
    expect(recused.dataset.recused).toBe("true");
    expect(within(recused).getByRole("rowheader").textContent).toContain("文学院学生党支部");
    const note = within(recused).getByTestId("recusal-note").closest<HTMLElement>('[role="cell"]')!;
    expect(note.getAttribute("aria-colspan")).toBe("5");
    expect(within(recused).getAllByRole("cell")).toHaveLength(2);
  });
});
