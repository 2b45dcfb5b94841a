import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { freshPage } from "$lib/testing/page";
import type { Page } from "./VirtualList.svelte";
import Harness from "./VirtualListHarness.test.svelte";

interface Item {
  id: number;
  name: string;
}

const many = (n: number): Item[] => Array.from({ length: n }, (_, i) => ({ id: i, name: `第 ${i + 1} 项` }));

const rows = () => screen.getAllByTestId("item-row");
const ids = () => rows().map((r) => Number(r.dataset.id));
const list = () => screen.getByTestId("harness-list");

/** Scrolls the list as a wheel would: jsdom lays nothing out, so the position is set by hand. */
async function scrollTo(top: number) {
  list().scrollTop = top;
  await fireEvent.scroll(list());
}

/** A loader whose answers the test releases, serving `total` numbered rows. */
function deferredLoader(total: number) {
  const calls: { offset: number; limit: number; answer: () => Promise<void> }[] = [];
  const load = vi.fn((offset: number, limit: number) => {
    let resolve!: (page: Page<Item>) => void;
    const promise = new Promise<Page<Item>>((r) => (resolve = r));
    calls.push({
      offset,
      limit,
      answer: async () => {
        const end = Math.min(total, offset + limit);
        resolve({ total, rows: many(end).slice(offset, end) });
        await promise;
        await Promise.resolve();
      },
    });
    return promise;
  });
  return { load, calls };
}

beforeEach(() => freshPage());

describe("a list of 30,000 rows in memory", () => {
  it("renders only the rows in view and a few more, and says how many there are", () => {
    render(Harness, { items: many(30_000) });
    // 400px of 40px rows: 10 in view, 5 overscan below.
    expect(ids()).toEqual([...Array(15).keys()]);
    const table = list().querySelector("table")!;
    expect(table.getAttribute("aria-rowcount")).toBe("30001");
    expect(rows()[0]!.getAttribute("aria-rowindex")).toBe("2");
    expect(rows()[0]!.style.height).toBe("40px");
    expect(screen.getByTestId("harness-total").textContent).toBe("30000");
    // The spacer below stands for every row not rendered, so the scrollbar is the whole list's.
    const spacers = [...list().querySelectorAll<HTMLElement>(".vl-spacer")];
    expect(spacers.at(-1)!.style.height).toBe(`${(30_000 - 15) * 40}px`);
  });

  it("moves its window with the scroll position, keeping the zebra stripes on the absolute index", async () => {
    render(Harness, { items: many(30_000) });
    await scrollTo(40_000);
    expect(ids()).toEqual([...Array(20).keys()].map((k) => 995 + k));
    expect(list().querySelector<HTMLElement>(".vl-spacer")!.style.height).toBe(`${995 * 40}px`);
    for (const row of rows()) {
      const position = [...row.parentElement!.children].indexOf(row) + 1;
      expect(position % 2, `row ${row.dataset.id}`).toBe((Number(row.dataset.id) + 1) % 2);
    }
    expect(rows()[0]!.getAttribute("aria-rowindex")).toBe("997");

    await scrollTo(30_000 * 40);
    expect(ids().at(-1)).toBe(29_999);
    expect(rows().length).toBeLessThan(30);
  });

  it("gives the row's own test id and attributes, and its handlers", async () => {
    const onrow = vi.fn();
    render(Harness, { items: many(50), onrow });
    await fireEvent.click(rows()[3]!);
    expect(onrow).toHaveBeenCalledWith({ id: 3, name: "第 4 项" });
    expect(rows()[3]!.classList.contains("vl-row")).toBe(true);
  });

  it("shows every row of a short list", () => {
    render(Harness, { items: many(4) });
    expect(ids()).toEqual([0, 1, 2, 3]);
    expect(list().querySelectorAll(".vl-spacer")).toHaveLength(2);
  });
});

describe("moving through the rows by keyboard", () => {
  it("keeps one tab stop and moves it with the arrows, the page keys, Home and End", async () => {
    render(Harness, { items: many(30_000) });
    expect(rows().map((r) => r.tabIndex)).toEqual([0, ...Array(14).fill(-1)]);
    expect(list().tabIndex).toBe(-1);

    rows()[0]!.focus();
    await fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.id).toBe("1"));
    expect(rows()[1]!.tabIndex).toBe(0);
    expect(rows()[0]!.tabIndex).toBe(-1);

    // A page is the viewport's rows less one.
    await fireEvent.keyDown(document.activeElement!, { key: "PageDown" });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.id).toBe("10"));

    await fireEvent.keyDown(document.activeElement!, { key: "End" });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.id).toBe("29999"));
    // Scrolled to it: the row is in the DOM and the window moved with it.
    expect(list().scrollTop).toBe(30_000 * 40 - 400);
    expect(ids()).toContain(29_999);
    expect(ids()).not.toContain(0);
    expect(document.activeElement!.getAttribute("aria-rowindex")).toBe("30001");

    await fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.id).toBe("29998"));

    await fireEvent.keyDown(document.activeElement!, { key: "Home" });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.id).toBe("0"));
    expect(list().scrollTop).toBe(0);
  });

  it("hands focus to the list when its row scrolls away, and takes it back to a row in view", async () => {
    render(Harness, { items: many(30_000) });
    rows()[2]!.focus();
    await scrollTo(100_000);
    expect(document.activeElement).toBe(list());
    // The list is the tab stop while its row is gone.
    expect(list().tabIndex).toBe(0);
    await fireEvent.keyDown(list(), { key: "ArrowDown" });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.id).toBe("2500"));
    expect(list().tabIndex).toBe(-1);
  });

  it("leaves the keys of a control inside a row alone", async () => {
    render(Harness, { items: many(100) });
    const cell = rows()[0]!.querySelector("td")!;
    const event = new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true, cancelable: true });
    cell.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
  });
});

describe("a list read page by page", () => {
  it("asks only for the page in view, with placeholders until it comes", async () => {
    const { load, calls } = deferredLoader(30_000);
    render(Harness, { load });
    expect(load.mock.calls).toEqual([[0, 100]]);
    expect(screen.queryAllByTestId("item-row")).toHaveLength(0);

    await calls[0]!.answer();
    expect(ids()).toEqual([...Array(15).keys()]);
    expect(screen.getByTestId("harness-total").textContent).toBe("30000");
    expect(list().querySelector("table")!.getAttribute("aria-rowcount")).toBe("30001");
    expect(load).toHaveBeenCalledTimes(1);

    // Far down: the pages under the window (49 for the overscan, 50) are asked for; their rows wait as placeholders.
    await scrollTo(5_000 * 40);
    expect(load.mock.calls.slice(1).map(([offset]) => offset)).toEqual([4_900, 5_000]);
    expect(screen.queryAllByTestId("item-row")).toHaveLength(0);
    const placeholders = screen.getAllByTestId("list-placeholder");
    expect(placeholders.length).toBeGreaterThan(10);
    expect(placeholders[0]!.getAttribute("aria-busy")).toBe("true");
    expect(placeholders[0]!.textContent).toContain("正在读取…");

    await calls[1]!.answer();
    await calls[2]!.answer();
    expect(ids()[0]).toBe(4_995);
    expect(ids().at(-1)).toBe(5_014);
  });

  it("forgets pages far from view, and asks again when they come back", async () => {
    const { load, calls } = deferredLoader(30_000);
    render(Harness, { load });
    await calls[0]!.answer();
    await scrollTo(20_000 * 40);
    for (const call of calls.slice(1)) await call.answer();
    expect(ids()[0]).toBe(19_995);

    await scrollTo(0);
    // Page 0 was dropped (more than one page from view), so it is read again.
    expect(load.mock.calls.at(-1)).toEqual([0, 100]);
    expect(screen.queryAllByTestId("item-row")).toHaveLength(0);
    await calls.at(-1)!.answer();
    expect(ids()[0]).toBe(0);
  });

  it("drops everything on a new reset key, scrolls to the top and ignores late answers", async () => {
    const { load, calls } = deferredLoader(30_000);
    const { rerender } = render(Harness, { load, reset: "" });
    await calls[0]!.answer();
    await scrollTo(10_000 * 40);
    const late = calls.at(-1)!;

    await rerender({ load, reset: "东川" });
    expect(list().scrollTop).toBe(0);
    expect(load.mock.calls.at(-1)).toEqual([0, 100]);
    // The old search's page arriving now is not shown.
    await late.answer();
    expect(screen.queryAllByTestId("item-row")).toHaveLength(0);

    await calls.at(-1)!.answer();
    expect(ids()).toEqual([...Array(15).keys()]);
  });

  it("shows a page it could not read in the banner, and does not ask again until reset", async () => {
    const load = vi.fn().mockRejectedValue({ code: "io", message_zh: "读取失败", message_en: "read failed" });
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    render(Harness, { load });
    await waitFor(() => expect(error).toHaveBeenCalled());
    await scrollTo(40);
    expect(load).toHaveBeenCalledTimes(1);
  });
});

describe("the grid layout", () => {
  it("is a table of rows and cells with the caller's tracks", () => {
    render(Harness, { items: many(30_000), layout: "grid" });
    expect(list().getAttribute("role")).toBe("table");
    expect(list().getAttribute("aria-rowcount")).toBe("30001");
    expect(list().style.getPropertyValue("--columns")).toBe("6em 1fr");
    expect(rows()).toHaveLength(15);
    expect(rows()[0]!.getAttribute("role")).toBe("row");
    expect(rows()[0]!.classList.contains("grid-row")).toBe(true);
    expect(rows()[0]!.querySelectorAll('[role="cell"]')).toHaveLength(2);
  });
});
