// A virtual list that scrolls with the page rather than in a box of its own (the scoring grid,
// whose header sticks under the expert screen's progress bar): the window follows the
// scrolling ancestor, and bringing a row into view scrolls that ancestor.
import { fireEvent, render, screen } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { freshPage } from "$lib/testing/page";
import Harness from "./VirtualListPageHarness.test.svelte";

const many = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i, name: `第 ${i + 1} 项` }));
const rows = () => screen.getAllByTestId("item-row");
const ids = () => rows().map((r) => Number(r.dataset.id));
const list = () => screen.getByTestId("page-list");

beforeEach(() => {
  freshPage();
  document.documentElement.scrollTop = 0;
});

describe("a list scrolled by its scrolling ancestor", () => {
  it("is no scroll box of its own, and moves its window with the ancestor's scroll", async () => {
    render(Harness, { items: many(30_000) });
    expect(list().classList.contains("vl-outer")).toBe(true);
    expect(list().style.maxHeight).toBe("");
    // 400px of 40px rows: 10 in view, 5 overscan below.
    expect(ids()).toEqual([...Array(15).keys()]);
    expect(list().querySelector("table")!.getAttribute("aria-rowcount")).toBe("30001");

    // jsdom lays nothing out: the ancestor's position is set by hand, as a wheel would.
    const page = screen.getByTestId("page");
    page.scrollTop = 40_000;
    await fireEvent.scroll(page);
    expect(ids()).toEqual([...Array(20).keys()].map((k) => 995 + k));
    expect(rows()[0]!.getAttribute("aria-rowindex")).toBe("997");
  });

  it("leaves the tab stops to the rows' controls and the keys to the caller", async () => {
    render(Harness, { items: many(100) });
    expect(rows().every((r) => !r.hasAttribute("tabindex"))).toBe(true);
    expect(list().tabIndex).toBe(-1);
    const button = rows()[0]!.querySelector("button")!;
    button.focus();
    const event = new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true, cancelable: true });
    rows()[0]!.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    expect(document.activeElement).toBe(button);
  });

  it("scrolls the ancestor to bring a row into view, and renders it", () => {
    const { component } = render(Harness, { items: many(30_000) });
    const page = screen.getByTestId("page");
    component.scrollToIndex(5_000);
    flushSync();
    // The row's bottom at the viewport's bottom.
    expect(page.scrollTop).toBe(5_001 * 40 - 400);
    expect(ids()).toContain(5_000);
    expect(ids().length).toBeLessThan(30);

    // Back up: the row's top at the top.
    component.scrollToIndex(20);
    flushSync();
    expect(page.scrollTop).toBe(20 * 40);
    expect(ids()).toContain(20);
    // Already in view: nothing moves.
    component.scrollToIndex(22);
    expect(page.scrollTop).toBe(20 * 40);
  });

  it("follows the document's scroll when no ancestor scrolls", async () => {
    const { component } = render(Harness, { items: many(30_000), inBox: false });
    document.documentElement.scrollTop = 2_000 * 40;
    await fireEvent.scroll(window);
    expect(ids()[0]).toBe(1_995);

    component.scrollToIndex(10_000);
    flushSync();
    expect(document.documentElement.scrollTop).toBe(10_001 * 40 - 400);
    expect(ids()).toContain(10_000);
  });
});
