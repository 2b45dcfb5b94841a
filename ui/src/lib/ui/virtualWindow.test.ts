import { describe, expect, it } from "vitest";
import { keyTarget, pageRows, pagesOf, pagesToDrop, revealScrollTop, visibleRange } from "./virtualWindow";

describe("the rows a scroll position shows", () => {
  it("is the rows under the viewport, widened by the overscan", () => {
    // 40px rows, 400px viewport: rows 0–9 in view, 3 more below.
    expect(visibleRange(30_000, 40, 0, 400, 3)).toEqual({ start: 0, end: 13 });
    // Scrolled to row 1000 exactly: rows 1000–1009, 3 each side.
    expect(visibleRange(30_000, 40, 40_000, 400, 3)).toEqual({ start: 997, end: 1013 });
    // Half a row scrolled: the row half shown and the one peeking in at the bottom both count.
    expect(visibleRange(30_000, 40, 20, 400, 0)).toEqual({ start: 0, end: 11 });
  });

  it("stays inside the list at both ends and for short lists", () => {
    expect(visibleRange(30_000, 40, 30_000 * 40 - 400, 400, 5)).toEqual({ start: 29_985, end: 30_000 });
    expect(visibleRange(4, 40, 0, 800, 5)).toEqual({ start: 0, end: 4 });
    // A scroll position past the end (the list just got shorter) still shows its last rows.
    expect(visibleRange(10, 40, 10_000, 400, 2)).toEqual({ start: 7, end: 10 });
    expect(visibleRange(10, 40, -50, 400, 0)).toEqual({ start: 0, end: 10 });
  });

  it("is empty for an empty list and shows one row in a viewport of no height", () => {
    expect(visibleRange(0, 40, 0, 400, 3)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(100, 40, 400, 0, 0)).toEqual({ start: 10, end: 11 });
  });
});

describe("scrolling a row into view", () => {
  it("moves only as far as needed, or not at all", () => {
    expect(revealScrollTop(5, 40, 0, 400)).toBe(0);
    expect(revealScrollTop(10, 40, 0, 400)).toBe(40); // bottom edge
    expect(revealScrollTop(2, 40, 400, 400)).toBe(80); // top edge
    expect(revealScrollTop(29_999, 40, 0, 400)).toBe(30_000 * 40 - 400);
  });
});

describe("the navigation keys", () => {
  it("move by one, by a page less one row, or to either end, never past them", () => {
    const perPage = pageRows(400, 40);
    expect(perPage).toBe(9);
    expect(keyTarget("ArrowDown", 0, 30_000, perPage)).toBe(1);
    expect(keyTarget("ArrowUp", 0, 30_000, perPage)).toBe(0);
    expect(keyTarget("PageDown", 10, 30_000, perPage)).toBe(19);
    expect(keyTarget("PageUp", 5, 30_000, perPage)).toBe(0);
    expect(keyTarget("Home", 500, 30_000, perPage)).toBe(0);
    expect(keyTarget("End", 0, 30_000, perPage)).toBe(29_999);
    expect(keyTarget("ArrowDown", 29_999, 30_000, perPage)).toBe(29_999);
    expect(keyTarget("Enter", 3, 30_000, perPage)).toBeNull();
    expect(keyTarget("ArrowDown", 0, 0, perPage)).toBeNull();
  });

  it("move at least one row in a viewport smaller than a row", () => {
    expect(pageRows(30, 40)).toBe(1);
  });
});

describe("the pages of a lazily loaded list", () => {
  it("are the pages holding any row in the window", () => {
    expect(pagesOf({ start: 0, end: 13 }, 100)).toEqual([0]);
    expect(pagesOf({ start: 95, end: 130 }, 100)).toEqual([0, 1]);
    expect(pagesOf({ start: 29_985, end: 30_000 }, 100)).toEqual([299]);
    expect(pagesOf({ start: 0, end: 0 }, 100)).toEqual([]);
  });

  it("drops pages far from the window, keeping a margin each side", () => {
    const held = [0, 1, 2, 3, 9, 10, 11, 12, 40];
    expect(pagesToDrop(held, { start: 1_000, end: 1_030 }, 100, 1)).toEqual([0, 1, 2, 3, 12, 40]);
    expect(pagesToDrop(held, { start: 0, end: 0 }, 100, 1)).toEqual(held);
    expect(pagesToDrop([], { start: 0, end: 20 }, 100, 1)).toEqual([]);
  });
});
