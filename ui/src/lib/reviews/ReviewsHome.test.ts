import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearCommandMocks, mockCommands } from "$lib/ipc/mock";
import type { ReviewSummary } from "$lib/ipc/types";
import { reviewList, summary } from "$lib/testing/fixtures";
import ReviewsHome from "./ReviewsHome.svelte";
import { freshPage } from "$lib/testing/page";

const older = summary({ id: "2025-model_branch-11111111", title_zh: "2025年样板支部评审", activity: "model_branch", year: 2025, n_nominations: 0 });
const demo = summary({ id: "demo-2026-student_exemplar-22222222", title_zh: "2026年大学生党员标兵评审（演示）" });

beforeEach(() => {
  freshPage();
});
afterEach(clearCommandMocks);

describe("the home screen", () => {
  it("lists the reviews the core returns, in its order, and opens one on click or Enter", async () => {
    mockCommands({ list_reviews: () => reviewList([demo, older]) });
    const onopen = vi.fn();
    render(ReviewsHome, { onopen });

    const rows = await screen.findAllByTestId("review-row");
    expect(rows.map((r) => r.dataset.reviewId)).toEqual([demo.id, older.id]);
    const first = rows[0]!;
    expect(within(first).getByText("2026年大学生党员标兵评审（演示）")).toBeTruthy();
    expect(within(first).getByText("60")).toBeTruthy();
    expect(screen.getByTestId("review-list")).toBeTruthy();

    await fireEvent.click(rows[1]!);
    expect(onopen).toHaveBeenLastCalledWith(older.id);
    await fireEvent.keyDown(first, { key: "Enter" });
    expect(onopen).toHaveBeenLastCalledWith(demo.id);
  });

  it("creates a demo review, refreshes the list and opens the new review", async () => {
    let reviews: ReviewSummary[] = [older];
    const ipc = mockCommands({
      list_reviews: () => reviewList(reviews),
      create_demo_review: () => {
        reviews = [demo, older];
        return demo;
      },
    });
    const onopen = vi.fn();
    render(ReviewsHome, { onopen });
    await screen.findAllByTestId("review-row");

    await fireEvent.click(screen.getByTestId("create-demo"));

    await waitFor(() => expect(onopen).toHaveBeenCalledWith(demo.id));
    expect(ipc.callsOf("create_demo_review")).toHaveLength(1);
    expect(ipc.callsOf("list_reviews")).toHaveLength(2);
    expect(screen.getAllByTestId("review-row")).toHaveLength(2);
  });

  it("creates a review of the chosen activity and year", async () => {
    const created = summary({ id: "2027-model_branch-33333333", activity: "model_branch", year: 2027 });
    const ipc = mockCommands({
      list_reviews: () => reviewList([]),
      list_activities: () => [
        { activity: "student_exemplar", name_zh: "大学生党员标兵", name_en: "Student Party member exemplars" },
        { activity: "model_branch", name_zh: "样板支部", name_en: "Model Party branches" },
      ],
      create_review: () => created,
    });
    const onopen = vi.fn();
    render(ReviewsHome, { onopen });

    await fireEvent.click(screen.getByTestId("new-review"));
    const select = (await screen.findByTestId("new-review-activity")) as HTMLSelectElement;
    const year = screen.getByTestId("new-review-year") as HTMLInputElement;
    expect(year.value).toBe(String(new Date().getFullYear()));

    await fireEvent.change(select, { target: { value: "model_branch" } });
    await fireEvent.input(year, { target: { value: "2027" } });
    await fireEvent.click(screen.getByTestId("new-review-submit"));

    await waitFor(() => expect(onopen).toHaveBeenCalledWith(created.id));
    expect(ipc.callsOf("create_review")[0]?.args).toEqual({ activity: "model_branch", year: 2027 });
  });

  it("says so when there are no reviews, and lists unreadable files calmly", async () => {
    mockCommands({
      list_reviews: () =>
        reviewList(
          [],
          [{ path: "/data/reviews/broken.pdreview", code: "not_a_review", message_zh: "不是评审文件", message_en: "Not a review file" }],
        ),
    });
    render(ReviewsHome, { onopen: vi.fn() });

    expect(await screen.findByTestId("review-list-empty")).toBeTruthy();
    expect(screen.queryByTestId("review-list")).toBeNull();
    const unreadable = screen.getByTestId("unreadable-reviews");
    expect(unreadable.textContent).toContain("/data/reviews/broken.pdreview");
    expect(unreadable.textContent).toContain("不是评审文件");
  });
});
