import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import ResultsTab from "$lib/results/ResultsTab.svelte";
import { noPackageYet, review, summary } from "$lib/testing/fixtures";
import { activitiesFixture, applied, entered } from "$lib/testing/supervisionFixtures";
import FollowUpForm from "./FollowUpForm.svelte";
import { localYearMonth } from "./labels";
import { resultsTabHandlers } from "$lib/testing/resultsMock";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

let ipc: MockedCommands;

function mock(overrides: Record<string, CommandHandler> = {}) {
  ipc = mockCommands(resultsTabHandlers({ register_enter_review: () => entered(), apply_follow_up: () => applied(), ...overrides }));
}

beforeEach(() => {
  freshPage({ clerkUnlocked: true });
  mock();
});
afterEach(clearCommandMocks);

const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

describe("a review's link to the register", () => {
  it("offers an ordinary review's awarded units for the register, from the build month given", async () => {
    render(ResultsTab, { review });
    await fireEvent.click(await screen.findByTestId("results-step-register"));
    await screen.findByTestId("register-entry");
    expect(ipc.callsOf("follow_up_stage")[0]?.args).toEqual({ reviewId: review.id });
    expect(screen.queryByTestId("follow-up-apply")).toBeNull();

    const month = (await screen.findByTestId("register-entry-build-start")) as HTMLInputElement;
    expect(month.value).toBe(localYearMonth(new Date()));
    expect(button("register-entry-submit").textContent?.trim()).toBe("登记获评单位");
    await fireEvent.input(month, { target: { value: "2024-11" } });
    await fireEvent.click(button("register-entry-submit"));

    const done = await screen.findByTestId("register-entry-done");
    expect(ipc.callsOf("register_enter_review")[0]?.args).toEqual({ reviewId: review.id, buildStart: "2024-11" });
    expect(done.textContent).toContain("已登记 2 个获评单位；1 个此前已在台账中。");
  });

  it("waits for results before entering anything", async () => {
    mock({
      review_results: () => {
        throw noPackageYet;
      },
    });
    render(ResultsTab, { review });
    await fireEvent.click(await screen.findByTestId("results-step-register"));
    expect(await screen.findByTestId("register-entry-no-results")).toBeTruthy();
    expect(screen.queryByTestId("register-entry-submit")).toBeNull();
  });

  it("offers a mid-term review's outcome for the register instead, and shows what the core recorded", async () => {
    mock({ follow_up_stage: () => "mid_term" });
    render(ResultsTab, { review });
    await fireEvent.click(await screen.findByTestId("results-step-register"));
    const section = await screen.findByTestId("follow-up-apply");
    expect(section.textContent).toContain("本评审为中期考核");
    expect(screen.queryByTestId("register-entry")).toBeNull();

    await fireEvent.click(await screen.findByTestId("follow-up-apply-submit"));
    const table = await screen.findByTestId("follow-up-outcomes");
    expect(ipc.callsOf("apply_follow_up")[0]?.args).toEqual({ reviewId: review.id });
    const rows = within(table).getAllByTestId("follow-up-outcome");
    expect([...rows[1]!.querySelectorAll("td")].map((c) => c.textContent?.trim())).toEqual([
      "东川理工大学马克思主义学院",
      "东川理工大学",
      "不合格",
      "未通过",
      "培育建设中 → 限期整改",
    ]);
    expect(screen.getByTestId("follow-up-applied").textContent).toContain("已记入 2 个单位的考核结论。");

    setLang("en");
    await Promise.resolve();
    expect(within(screen.getAllByTestId("follow-up-outcome")[1]!).getByTestId("follow-up-status-change").textContent?.trim()).toBe(
      "Building → Rectifying",
    );
  });
});

describe("creating a mid-term or acceptance review", () => {
  it("sends the plan as filled in and offers to open the new review", async () => {
    const award = summary({ id: "2022-model_university-1a1a1a1a", activity: "model_university", title_zh: "2022年示范高校评审" });
    const other = summary({ id: "2026-student_exemplar-a1b2c3d4" });
    const created = summary({
      id: "2024-model_university-9d9d9d9d",
      activity: "model_university",
      title_zh: "2024年全国党建工作示范高校中期考核",
      n_nominations: 4,
    });
    mock({
      list_activities: () => activitiesFixture,
      list_reviews: () => ({ reviews: [other, award], unreadable: [] }),
      create_follow_up_review: () => created,
    });
    const onopenreview = vi.fn();
    render(FollowUpForm, { onopenreview });

    const experts = await screen.findByTestId("follow-up-experts-from");
    await waitFor(() => expect(experts.querySelectorAll("option")).toHaveLength(2));
    expect((screen.getByTestId("follow-up-pass-share") as HTMLInputElement).disabled).toBe(true);
    await fireEvent.change(screen.getByTestId("follow-up-stage"), { target: { value: "acceptance" } });
    await fireEvent.input(screen.getByTestId("follow-up-as-of"), { target: { value: "2024-11" } });
    await fireEvent.change(screen.getByTestId("follow-up-scoring"), { target: { value: "criteria" } });
    await fireEvent.input(screen.getByTestId("follow-up-pass-share"), { target: { value: "0.7" } });
    await fireEvent.change(experts, { target: { value: award.id } });
    await fireEvent.click(button("follow-up-submit"));

    const notice = await screen.findByTestId("follow-up-created");
    expect(ipc.callsOf("create_follow_up_review")[0]?.args).toEqual({
      plan: { activity: "model_university", stage: "acceptance", as_of: "2024-11", scoring_mode: "criteria", pass_share: 0.7 },
      expertsFrom: award.id,
    });
    expect(notice.textContent).toContain("已创建评审“2024年全国党建工作示范高校中期考核”，共 4 个单位待考核。");
    await fireEvent.click(button("follow-up-open"));
    expect(onopenreview).toHaveBeenCalledWith(created.id);
  });
});
