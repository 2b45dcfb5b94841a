import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Keyed } from "$lib/ipc/types";
import KeyingForm from "./KeyingForm.svelte";
import { mismatch, mismatched, paperSheet, recorded, SHEET_ID, waiting } from "./paperFixtures";
import { freshPage } from "$lib/testing/page";
import { ipcError } from "$lib/testing/fixtures";

beforeEach(() => {
  freshPage();
});

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;

async function fill(by: string, a01Second = "17.5") {
  await fireEvent.input(input("paper-by"), { target: { value: by } });
  await fireEvent.input(input("paper-value-A01-0"), { target: { value: "18" } });
  await fireEvent.input(input("paper-value-A01-1"), { target: { value: a01Second } });
  await fireEvent.click(input("paper-recuse-A02"));
  await fireEvent.change(screen.getByTestId("paper-value-B01-0"), { target: { value: "同意" } });
  await fireEvent.input(input("paper-comment-A01"), { target: { value: "材料翔实" } });
}

describe("the keying form", () => {
  it("is laid out like the paper sheet: row code, candidate, one input per criterion, 回避, comment", () => {
    render(KeyingForm, { sheet: paperSheet(), keyedBy: [], onkey: vi.fn() });
    expect(screen.getByTestId("paper-sheet-id").textContent).toContain(SHEET_ID);
    const rows = screen.getAllByTestId("paper-row");
    expect(rows.map((r) => r.dataset.code)).toEqual(["A01", "A02", "B01"]);
    expect(within(rows[0]!).getByText("党建引领乡村振兴")).toBeTruthy();
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent?.trim())).toEqual(
      expect.arrayContaining(["行代码", "推荐对象", "真实性（满分 20）", "创新性（满分 20）", "回避", "评语"]),
    );
    expect(screen.getByTestId("paper-value-B01-0").tagName).toBe("SELECT");
  });

  it("sends entry 1 as the core's lines with the keyer's name, then clears the form for entry 2", async () => {
    const onkey = vi.fn<(by: string, marks: string) => Promise<Keyed>>().mockResolvedValue(waiting);
    render(KeyingForm, { sheet: paperSheet(), keyedBy: [], onkey });
    await fill("王晓燕");
    await fireEvent.click(screen.getByTestId("paper-submit"));

    await waitFor(() => expect(onkey).toHaveBeenCalledTimes(1));
    expect(onkey.mock.calls[0]).toEqual(["王晓燕", "A01,18,17.5,材料翔实\nA02,回避,其他,\nB01,同意,"]);
    const notice = await screen.findByTestId("paper-outcome");
    expect(notice.textContent).toContain("王晓燕");
    expect(notice.textContent).toContain("另一位工作人员");
    // Entry 2 is keyed independently: nothing of entry 1 stays on screen.
    expect(input("paper-by").value).toBe("");
    expect(input("paper-value-A01-0").value).toBe("");
  });

  it("shows the core's refusal beside the form and keeps every value", async () => {
    const refusal = ipcError(
      "bad_input",
      "PS-1A2B-3C4D 第 1 行：A01（党建引领乡村振兴）：“创新性”超出满分 20",
      "PS-1A2B-3C4D line 1: A01: “Innovation” is above its maximum 20",
    );
    const onkey = vi.fn().mockRejectedValue(refusal);
    render(KeyingForm, { sheet: paperSheet(), keyedBy: [], onkey });
    await fill("王晓燕", "21");
    await fireEvent.click(screen.getByTestId("paper-submit"));

    const error = await screen.findByTestId("paper-error");
    expect(error.textContent).toContain("超出满分 20");
    expect(input("paper-value-A01-1").value).toBe("21");
    expect(input("paper-by").value).toBe("王晓燕");
  });

  it("highlights each mismatching cell with both values, keeps the second entry to correct, then says 代录", async () => {
    const onkey = vi
      .fn<(by: string, marks: string) => Promise<Keyed>>()
      .mockResolvedValueOnce(mismatched([mismatch({ field: "创新性", first: "17.5", second: "15" })]))
      .mockResolvedValueOnce(recorded);
    render(KeyingForm, { sheet: paperSheet(), keyedBy: ["王晓燕"], onkey });
    expect(screen.getByTestId("paper-entry-hint").textContent).toContain("王晓燕");
    await fill("李建国", "15");
    await fireEvent.click(screen.getByTestId("paper-submit"));

    const list = await screen.findByTestId("paper-mismatches");
    const item = within(list).getAllByTestId("paper-mismatch");
    expect(item).toHaveLength(1);
    expect(item[0]!.textContent).toContain("A01");
    expect(item[0]!.textContent).toContain("党建引领乡村振兴");
    expect(item[0]!.textContent).toContain("创新性");
    expect(item[0]!.textContent).toContain("17.5");
    expect(item[0]!.textContent).toContain("15");
    expect(list.textContent).toContain("王晓燕");
    expect(list.textContent).toContain("李建国");
    const cell = input("paper-value-A01-1");
    expect(cell.closest("td")?.classList.contains("mismatch")).toBe(true);
    expect(cell.getAttribute("aria-invalid")).toBe("true");
    expect(input("paper-value-A01-0").closest("td")?.classList.contains("mismatch")).toBe(false);
    // The second person's values stay, to correct the one cell.
    expect(cell.value).toBe("15");
    expect(input("paper-by").value).toBe("李建国");

    await fireEvent.input(cell, { target: { value: "17.5" } });
    await fireEvent.click(screen.getByTestId("paper-submit"));
    const done = await screen.findByTestId("paper-recorded");
    expect(done.textContent).toContain("已记录为代录");
    expect(done.textContent).toContain("王晓燕");
    expect(done.textContent).toContain("李建国");
    expect(done.textContent).toContain(SHEET_ID);
    expect(onkey.mock.calls[1]?.[1]).toContain("A01,18,17.5,");
    expect(screen.queryByTestId("paper-mismatches")).toBeNull();
    expect(screen.queryByTestId("paper-submit")).toBeNull();
  });

  it("does not send a value the line format would split", async () => {
    const onkey = vi.fn();
    render(KeyingForm, { sheet: paperSheet(), keyedBy: [], onkey });
    await fill("王晓燕", "17,5");
    await fireEvent.click(screen.getByTestId("paper-submit"));
    expect((await screen.findByTestId("paper-error")).textContent).toContain("A01");
    expect(onkey).not.toHaveBeenCalled();
  });
});
