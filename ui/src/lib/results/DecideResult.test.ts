import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { ReviewResults } from "$lib/ipc/types";
import { decidedResultsFixture, panelDecision, reasonRequired, review, reviewResultsFixture } from "$lib/testing/fixtures";
import { showResults } from "$lib/testing/meetingDialog";
import { freshPage } from "$lib/testing/page";
import { resultsTabHandlers } from "$lib/testing/resultsMock";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

let ipc: MockedCommands;

function mock(results: () => ReviewResults, overrides: Record<string, CommandHandler> = {}) {
  ipc = mockCommands(resultsTabHandlers({ review_results: results, decide_result: () => decidedResultsFixture(), ...overrides }));
}

beforeEach(() => {
  freshPage({ clerkUnlocked: true });
  mock(reviewResultsFixture);
});
afterEach(clearCommandMocks);

const row = (id: number) =>
  screen.getAllByTestId("result-row").find((r) => r.dataset.nominationId === String(id))!;
const decideButton = (id: number) => within(row(id)).getByTestId("decide-open");
const confirmButton = () => screen.getByTestId("decide-confirm") as HTMLButtonElement;

/** Opens the tied row's dialog (nomination 14) and checks focus moved into it. */
async function openTied() {
  await fireEvent.click(decideButton(14));
  const dialog = await screen.findByTestId("decide-dialog");
  expect(document.activeElement).toBe(screen.getByTestId("decide-in"));
  return dialog;
}

describe("the panel's decision on a result", () => {
  it("shows a recorded decision in the flags cell, also on a row without flags", async () => {
    mock(() => {
      const results = decidedResultsFixture();
      const unflagged = results.categories[1]!.nominations[0]!;
      unflagged.decision = panelDecision({ nomination_id: 12, outcome: "out", reason: "材料不全，评审组一致决定不入选" });
      unflagged.cut = "out";
      return results;
    });
    await showResults();

    const decided = within(row(14)).getByTestId("result-decision");
    expect(decided.textContent?.trim()).toBe("评审组决定：入选（评审组表决 5:2）");
    expect(within(row(14)).getByTestId("result-flags").textContent).toContain("分数线处并列");
    expect(within(row(14)).getByTestId("result-cut").textContent).toBe("入选");

    const out = within(row(12)).getByTestId("result-decision");
    expect(out.textContent?.trim()).toBe("评审组决定：不入选（材料不全，评审组一致决定不入选）");
    expect(decideButton(12)).toBeTruthy();
    expect(within(row(11)).queryByTestId("result-decision")).toBeNull();

    setLang("en");
    await Promise.resolve();
    expect(within(row(14)).getByTestId("result-decision").textContent?.trim()).toBe("Panel decision: in (评审组表决 5:2)");
    expect(within(row(12)).getByTestId("result-decision").textContent?.trim()).toBe(
      "Panel decision: out (材料不全，评审组一致决定不入选)",
    );
    expect(decideButton(14).textContent?.trim()).toBe("Decide…");
  });

  it("offers Decide… on every row with a result, flagged or not, so any result can be ruled on", async () => {
    mock(() => {
      const results = reviewResultsFixture();
      results.categories[1]!.nominations[1]!.flags = [];
      return results;
    });
    await showResults();
    const tables = screen.getAllByTestId("results-table");

    expect(decideButton(11).textContent?.trim()).toBe("决定…");
    expect(decideButton(14).getAttribute("aria-label")).toBe("决定…（“三全育人”党建品牌）");
    expect(tables[0]!.querySelectorAll("th")).toHaveLength(7);

    // Nothing flagged or decided in the vote category: still a ruling on each row that has a
    // result (an objection upheld, the panel's override), none on a row nobody scored.
    const vote = reviewResultsFixture().categories[1]!.nominations;
    const withResult = vote.filter((n) => n.cut !== "unscored").length;
    expect(withResult).toBeGreaterThan(0);
    expect(within(tables[1]!).queryAllByTestId("decide-open")).toHaveLength(withResult);
    expect(tables[1]!.querySelectorAll("th")).toHaveLength(7);
    expect(screen.queryByTestId("decide-dialog")).toBeNull();
  });

  it("keeps confirm disabled until an outcome is chosen and a reason is written", async () => {
    await showResults();
    const dialog = await openTied();
    expect(dialog.getAttribute("role")).toBe("dialog");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(dialog.querySelector("h2")?.textContent).toBe("评审组决定：“三全育人”党建品牌");
    expect(screen.getByTestId("decide-current").textContent).toContain("当前结果：并列待定");
    expect(screen.getByTestId("decide-reason").getAttribute("placeholder")).toBe("如：评审组表决 5:2");
    expect(confirmButton().disabled).toBe(true);

    await fireEvent.input(screen.getByTestId("decide-reason"), { target: { value: "评审组表决 5:2" } });
    expect(confirmButton().disabled).toBe(true);

    await fireEvent.click(screen.getByTestId("decide-out"));
    expect(confirmButton().disabled).toBe(false);

    await fireEvent.input(screen.getByTestId("decide-reason"), { target: { value: "  \n " } });
    expect(confirmButton().disabled).toBe(true);

    await fireEvent.click(confirmButton());
    expect(ipc.callsOf("decide_result")).toHaveLength(0);
  });

  it("records the decision and shows the results the core answers with", async () => {
    await showResults();
    expect(row(14).dataset.cut).toBe("tied");
    await openTied();

    await fireEvent.click(screen.getByTestId("decide-in"));
    await fireEvent.input(screen.getByTestId("decide-reason"), { target: { value: " 评审组表决 5:2 " } });
    await fireEvent.click(confirmButton());

    await waitFor(() => expect(screen.queryByTestId("decide-dialog")).toBeNull());
    expect(ipc.callsOf("decide_result").map((c) => c.args)).toEqual([
      { reviewId: review.id, nominationId: 14, outcome: "in", reason: "评审组表决 5:2" },
    ]);
    expect(row(14).dataset.cut).toBe("in");
    expect(within(row(14)).getByTestId("result-cut").textContent).toBe("入选");
    expect(within(row(14)).getByTestId("result-decision").textContent?.trim()).toBe("评审组决定：入选（评审组表决 5:2）");
    // The core's answer is shown as it came: the results are not read again, nor cut here.
    expect(ipc.callsOf("review_results")).toHaveLength(1);
    await waitFor(() => expect(document.activeElement).toBe(decideButton(14)));
  });

  it("shows a refusal in the dialog and leaves the results as they were", async () => {
    mock(reviewResultsFixture, {
      decide_result: () => {
        throw reasonRequired;
      },
    });
    await showResults();
    await openTied();
    await fireEvent.click(screen.getByTestId("decide-out"));
    await fireEvent.input(screen.getByTestId("decide-reason"), { target: { value: "见会议记录" } });
    await fireEvent.click(confirmButton());

    const error = await screen.findByTestId("decide-error");
    expect(error.textContent).toContain("评审组决定必须写明理由");
    expect(error.textContent).toContain("note_required");
    expect(screen.getByTestId("decide-reason").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("decide-dialog")).toBeTruthy();
    expect(confirmButton().disabled).toBe(false);
    expect(row(14).dataset.cut).toBe("tied");
    expect(within(row(14)).queryByTestId("result-decision")).toBeNull();

    setLang("en");
    await Promise.resolve();
    expect(screen.getByTestId("decide-error").textContent).toContain("A panel decision needs a reason");
  });

  it("closes on Escape or Cancel without calling anything, and gives focus back", async () => {
    await showResults();
    const dialog = await openTied();
    await fireEvent.click(screen.getByTestId("decide-in"));
    await fireEvent.input(screen.getByTestId("decide-reason"), { target: { value: "评审组表决 5:2" } });
    await fireEvent.keyDown(dialog, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("decide-dialog")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(decideButton(14)));

    // Opened again, it starts empty.
    await openTied();
    expect((screen.getByTestId("decide-in") as HTMLInputElement).checked).toBe(false);
    expect((screen.getByTestId("decide-reason") as HTMLTextAreaElement).value).toBe("");
    await fireEvent.click(screen.getByTestId("decide-cancel"));
    await waitFor(() => expect(screen.queryByTestId("decide-dialog")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(decideButton(14)));

    expect(ipc.callsOf("decide_result")).toHaveLength(0);
    expect(row(14).dataset.cut).toBe("tied");
  });
});
