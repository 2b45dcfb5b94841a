import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, mockCommands } from "$lib/ipc/mock";
import { review } from "$lib/testing/fixtures";
import ReviewScreen from "./ReviewScreen.svelte";
import { freshPage } from "$lib/testing/page";

beforeEach(() => {
  freshPage();
  mockCommands({
    open_review: () => review,
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

  it("filters nominations by category and text, and expands a row into all its fields", async () => {
    await openScreen();
    await fireEvent.click(screen.getByTestId("tab-nominations"));
    expect(screen.getByTestId("nomination-count").textContent).toBe("共 3 条");
    expect(screen.getAllByTestId("nomination-row")).toHaveLength(3);

    await fireEvent.change(screen.getByTestId("category-filter"), { target: { value: "case_branch" } });
    expect(screen.getByTestId("nomination-count").textContent).toBe("共 2 条");

    await fireEvent.input(screen.getByTestId("nomination-search"), { target: { value: "宿舍" } });
    const rows = screen.getAllByTestId("nomination-row");
    expect(rows).toHaveLength(1);
    expect(screen.getByTestId("nomination-count").textContent).toBe("共 1 条");

    await fireEvent.click(rows[0]!);
    const detail = screen.getByTestId("nomination-detail");
    expect(detail.textContent).toContain("138****5678");
    expect(detail.textContent).toContain("其他栏目");
    expect(detail.textContent).toContain("省级优秀案例");
    expect(detail.textContent).toContain("案例材料.docx");

    await fireEvent.keyDown(rows[0]!, { key: "Enter" });
    expect(screen.queryByTestId("nomination-detail")).toBeNull();
  });
});
