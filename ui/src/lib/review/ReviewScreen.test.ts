import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import { nominations, review } from "$lib/testing/fixtures";
import { pageOf } from "$lib/testing/nominationPages";
import ReviewScreen from "./ReviewScreen.svelte";
import { freshPage } from "$lib/testing/page";

let ipc: MockedCommands;

beforeEach(() => {
  freshPage();
  ipc = mockCommands({
    open_review: () => review,
    nomination_page: (args) => pageOf(nominations, args),
    follow_up_stage: () => null,
    list_flags: () => [],
    list_corrections: () => [],
    rubric_status: () =>
      review.categories.map((category) => ({ category, vote_threshold: "more_than_half", sent: [] })),
  });
});
afterEach(clearCommandMocks);

async function openScreen() {
  render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
  await screen.findByTestId("review-title");
}

describe("the review screen", () => {
  it("shows counts against quotas in the overview, approximate quotas as 约", async () => {
    await openScreen();
    const rows = screen.getAllByTestId("overview-category-row");
    expect(rows[0]!.textContent).toContain("学校党委层面案例");
    expect(rows[0]!.textContent).toContain("约 5");
    expect(rows[1]!.textContent).toContain("投票");
    expect(within(rows[1]!).getAllByRole("cell").map((c) => c.textContent?.trim())).toEqual([
      "基层党支部层面案例",
      "投票",
      "2",
      "30",
    ]);
  });

  it("lists criteria and warns about placeholder criteria", async () => {
    await openScreen();
    await fireEvent.click(screen.getByTestId("tab-rubric"));
    expect(screen.getAllByTestId("criterion-row")).toHaveLength(3);
    const notes = screen.getAllByTestId("placeholder-note");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.textContent).toContain("六个过硬暂无权威条目");

    setLang("en");
    await Promise.resolve();
    expect(screen.getAllByTestId("criterion-row")[0]!.textContent).toContain("Authenticity");
  });

  it("lists experts", async () => {
    await openScreen();
    await fireEvent.click(screen.getByTestId("tab-experts"));
    const rows = screen.getAllByTestId("expert-row");
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining("王喆"),
      expect.stringContaining("李珺"),
    ]);
  });

  it("asks the core for pages by category and text, and opens a row into all its fields", async () => {
    await openScreen();
    await fireEvent.click(screen.getByTestId("tab-nominations"));
    await waitFor(() => expect(screen.getAllByTestId("nomination-row")).toHaveLength(3));
    expect(screen.getByTestId("nomination-count").textContent).toBe("共 3 条");
    // Numbered in the review's order, from the core.
    expect(screen.getAllByTestId("nomination-row")[2]!.textContent).toContain("3");

    await fireEvent.change(screen.getByTestId("category-filter"), { target: { value: "case_branch" } });
    await waitFor(() => expect(screen.getByTestId("nomination-count").textContent).toBe("共 2 条"));
    expect(ipc.callsOf("nomination_page").at(-1)?.args.query).toEqual({ category_key: "case_branch", text: "" });

    await fireEvent.input(screen.getByTestId("nomination-search"), { target: { value: "宿舍" } });
    await waitFor(() => expect(screen.getAllByTestId("nomination-row")).toHaveLength(1));
    expect(screen.getByTestId("nomination-count").textContent).toBe("共 1 条");
    expect(screen.getByTestId("nomination-count").nextElementSibling?.textContent).toContain("全部 3 条");
    expect(ipc.callsOf("nomination_page").at(-1)?.args.query).toEqual({ category_key: "case_branch", text: "宿舍" });
    const rows = screen.getAllByTestId("nomination-row");

    await fireEvent.click(rows[0]!);
    const detail = screen.getByTestId("nomination-detail");
    expect(detail.textContent).toContain("138****5678");
    expect(detail.textContent).toContain("其他栏目");
    expect(detail.textContent).toContain("省级优秀案例");
    expect(detail.textContent).toContain("案例材料.docx");

    await fireEvent.keyDown(screen.getAllByTestId("nomination-row")[0]!, { key: "Enter" });
    expect(screen.queryByTestId("nomination-detail")).toBeNull();
  });

  it("reads only the pages in view of a long list", async () => {
    const many = Array.from({ length: 30_000 }, (_, i) => ({ ...nominations[i % 3]!, id: 100 + i }));
    ipc = mockCommands({
      open_review: () => ({ ...review, n_nominations: many.length }),
      nomination_page: (args) => pageOf(many, args),
      follow_up_stage: () => null,
      list_flags: () => [],
      list_corrections: () => [],
    });
    await openScreen();
    await fireEvent.click(screen.getByTestId("tab-nominations"));
    await waitFor(() => expect(screen.getByTestId("nomination-count").textContent).toBe("共 30000 条"));
    expect(screen.getAllByTestId("nomination-row").length).toBeLessThan(100);
    const asked = ipc.callsOf("nomination_page").map((c) => c.args.limit as number);
    expect(asked.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(300);
  });
});
