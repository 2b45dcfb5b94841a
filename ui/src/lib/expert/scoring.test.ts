import { describe, expect, it } from "vitest";
import { panelCategories, scoreItem } from "$lib/testing/fixtures";
import { gridMove, nextRow } from "./gridNavigation";
import { enteredTotal, parsePoints, storedText } from "./scoringSession.svelte";

describe("parsePoints", () => {
  it("reads numbers as typed, full-width too, and an empty cell as no score", () => {
    expect(parsePoints("12.5")).toBe(12.5);
    expect(parsePoints(" １２．５ ")).toBe(12.5);
    expect(parsePoints("")).toBeNull();
    expect(() => parsePoints("十二")).toThrow();
  });
});

describe("storedText", () => {
  it("shows what the core holds for each kind of cell", () => {
    const item = scoreItem(1, { criteria: { c1: 7.5 }, vote: "agree", comment: "好" });
    expect(storedText(item, { kind: "points", key: "c1" })).toBe("7.5");
    expect(storedText(item, { kind: "points", key: "c2" })).toBe("");
    expect(storedText(item, { kind: "vote" })).toBe("agree");
    expect(storedText(item, { kind: "grade" })).toBe("");
    expect(storedText(item, { kind: "comment" })).toBe("好");
    expect(storedText(undefined, { kind: "comment" })).toBe("");
  });
});

describe("enteredTotal", () => {
  it("shows the total the core worked out, and nothing before the core answered", () => {
    const entered = { total: 12.5, max: 30, entered: true, complete: false };
    expect(enteredTotal(scoreItem(1, { criteria: { c1: 12.5 }, entered }))).toEqual(entered);
    expect(enteredTotal(undefined)).toEqual({ total: 0, max: 0, entered: false, complete: false });
  });
});

describe("grid keys", () => {
  function grid(): HTMLElement {
    const container = document.createElement("div");
    container.innerHTML = `
      <input data-grid-row="0" data-grid-col="0"><textarea data-grid-row="0" data-grid-col="1">a
b</textarea>
      <input data-grid-row="1" data-grid-col="0" disabled>
      <input data-grid-row="2" data-grid-col="0"><textarea data-grid-row="2" data-grid-col="1"></textarea>
      <button>not a cell</button>`;
    document.body.append(container);
    return container;
  }

  function key(target: HTMLElement, init: KeyboardEventInit): KeyboardEvent {
    const event = new KeyboardEvent("keydown", init);
    Object.defineProperty(event, "target", { value: target });
    return event;
  }

  it("moves down on Enter and the arrows, up on Shift+Enter, and only from cells", () => {
    const container = grid();
    const [first] = container.querySelectorAll<HTMLInputElement>("input");
    expect(gridMove(key(first!, { key: "Enter" }))).toBe(1);
    expect(gridMove(key(first!, { key: "Enter", shiftKey: true }))).toBe(-1);
    expect(gridMove(key(first!, { key: "ArrowUp" }))).toBe(-1);
    expect(gridMove(key(first!, { key: "Tab" }))).toBeNull();
    expect(gridMove(key(container.querySelector("button")!, { key: "Enter" }))).toBeNull();

    container.remove();
  });

  it("finds the nearest row that can be scored in the direction of the key, none at the edge", () => {
    // Row 1 recused (or disabled), as in the DOM above; 3,000 rows, most never rendered.
    const scorable = (row: number) => row !== 1 && row !== 2998;
    expect(nextRow(0, 1, 3000, scorable)).toBe(2);
    expect(nextRow(2, -1, 3000, scorable)).toBe(0);
    expect(nextRow(0, -1, 3000, scorable)).toBeNull();
    expect(nextRow(2997, 1, 3000, scorable)).toBe(2999);
    expect(nextRow(2999, 1, 3000, scorable)).toBeNull();
    // Nothing scorable beyond (a locked panel): no move.
    expect(nextRow(5, 1, 3000, () => false)).toBeNull();
  });

  it("leaves line breaks and the arrows inside a comment until the caret is at its edge", () => {
    const container = grid();
    const comment = container.querySelector("textarea")!;
    expect(gridMove(key(comment, { key: "Enter", shiftKey: true }))).toBeNull();
    comment.setSelectionRange(1, 1);
    expect(gridMove(key(comment, { key: "ArrowDown" }))).toBeNull();
    expect(gridMove(key(comment, { key: "ArrowUp" }))).toBeNull();
    comment.setSelectionRange(3, 3);
    expect(gridMove(key(comment, { key: "ArrowDown" }))).toBe(1);
    container.remove();
  });
});
