import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { CategoryRule, IpcError, Review } from "$lib/ipc/types";
import { categoryRule, review } from "$lib/testing/fixtures";
import ReviewScreen from "./ReviewScreen.svelte";

const refused: IpcError = {
  code: "bad_input",
  message_zh: "去掉最高最低分所需的专家数应在 3 到 1000 之间：2000",
  message_en: "experts needed before trimming must be 3 to 1000: 2000",
};

let ipc: MockedCommands;
/** What the "core" holds: each command answers with the whole review, as the real one does. */
let stored: Review;

function mock(overrides: Record<string, CommandHandler> = {}) {
  stored = structuredClone(review);
  ipc = mockCommands({
    open_review: () => structuredClone(stored),
    list_flags: () => [],
    set_category_quota: (args) => {
      const category = stored.categories.find((c) => c.key === args.categoryKey)!;
      category.quota = Number(args.quota);
      category.quota_approximate = Boolean(args.approximate);
      return structuredClone(stored);
    },
    set_category_rule: (args) => {
      stored.rules[String(args.categoryKey)] = args.rule as CategoryRule;
      return structuredClone(stored);
    },
    ...overrides,
  });
}

beforeEach(() => {
  localStorage.clear();
  setLang("zh-CN");
  mock();
});
afterEach(clearCommandMocks);

async function openOverview() {
  render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
  await screen.findByTestId("review-title");
}

function settingsOf(key: string): HTMLElement {
  const found = screen.getAllByTestId("category-settings").find((el) => el.dataset.category === key);
  if (!found) throw new Error(`no settings for ${key}`);
  return found;
}

const field = <T extends HTMLElement = HTMLInputElement>(key: string, testid: string) =>
  within(settingsOf(key)).getByTestId(testid) as unknown as T;

describe("a category's quota and rule", () => {
  it("shows what is stored, one form per category", async () => {
    await openOverview();
    expect(screen.getAllByTestId("category-settings").map((el) => el.dataset.category)).toEqual([
      "case_university",
      "case_branch",
    ]);
    expect(field("case_university", "category-quota").value).toBe("5");
    expect(field("case_university", "category-quota-approximate").checked).toBe(true);
    expect(field<HTMLSelectElement>("case_university", "category-method").value).toBe("trimmed_mean");
    expect(field("case_university", "category-trim-min").value).toBe("5");
    expect(field("case_university", "category-normalise").checked).toBe(false);
    expect(field("case_branch", "category-quota").value).toBe("30");
    expect(screen.queryByTestId("category-saved")).toBeNull();
    expect(screen.queryByTestId("category-error")).toBeNull();
  });

  it("saves the quota, then the rule, and shows the returned review", async () => {
    await openOverview();
    await fireEvent.input(field("case_university", "category-quota"), { target: { value: "8" } });
    await fireEvent.click(field("case_university", "category-quota-approximate"));
    await fireEvent.change(field("case_university", "category-method"), { target: { value: "mean" } });
    // The trimming threshold only matters for the trimmed mean.
    expect(within(settingsOf("case_university")).queryByTestId("category-trim-min")).toBeNull();
    await fireEvent.click(field("case_university", "category-normalise"));
    await fireEvent.click(field("case_university", "category-save"));

    const saved = await within(settingsOf("case_university")).findByTestId("category-saved");
    expect(saved.textContent).toBe("已保存");
    expect(ipc.calls.map((c) => c.command).filter((c) => c.startsWith("set_"))).toEqual([
      "set_category_quota",
      "set_category_rule",
    ]);
    expect(ipc.callsOf("set_category_quota")[0]?.args).toEqual({
      reviewId: review.id,
      categoryKey: "case_university",
      quota: 8,
      approximate: false,
    });
    expect(ipc.callsOf("set_category_rule")[0]?.args).toEqual({
      reviewId: review.id,
      categoryKey: "case_university",
      rule: { method: "mean", trim_min_experts: 5, normalise: true, vote_threshold: "more_than_half" },
    });
    // The overview's table reads the replaced review.
    const row = screen.getAllByTestId("overview-category-row")[0]!;
    expect([...row.querySelectorAll("td")].map((c) => c.textContent?.trim())[3]).toBe("8");

    // Editing again takes the notice away.
    await fireEvent.input(field("case_university", "category-quota"), { target: { value: "9" } });
    expect(screen.queryByTestId("category-saved")).toBeNull();
  });

  it("sends only what changed", async () => {
    await openOverview();
    await fireEvent.input(field("case_university", "category-trim-min"), { target: { value: "7" } });
    await fireEvent.click(field("case_university", "category-save"));
    await within(settingsOf("case_university")).findByTestId("category-saved");
    expect(ipc.callsOf("set_category_quota")).toHaveLength(0);
    expect(ipc.callsOf("set_category_rule")[0]?.args.rule).toEqual(categoryRule({ trim_min_experts: 7 }));

    await fireEvent.input(field("case_branch", "category-quota"), { target: { value: "25" } });
    await fireEvent.click(field("case_branch", "category-save"));
    await within(settingsOf("case_branch")).findByTestId("category-saved");
    expect(ipc.callsOf("set_category_quota")[0]?.args).toMatchObject({ categoryKey: "case_branch", quota: 25, approximate: false });
    expect(ipc.callsOf("set_category_rule")).toHaveLength(1);

    // Nothing changed: nothing is sent, and the notice says so.
    await fireEvent.click(field("case_branch", "category-save"));
    await waitFor(() => expect(within(settingsOf("case_branch")).getByTestId("category-saved").textContent).toBe("没有改动，无需保存"));
    expect(ipc.callsOf("set_category_quota")).toHaveLength(1);
    expect(ipc.callsOf("set_category_rule")).toHaveLength(1);
  });

  it("offers the vote threshold only for vote categories, and the method only where marks are added up", async () => {
    await openOverview();
    expect(within(settingsOf("case_university")).queryByTestId("category-vote-threshold")).toBeNull();
    expect(within(settingsOf("case_branch")).queryByTestId("category-method")).toBeNull();
    expect(within(settingsOf("case_branch")).queryByTestId("category-normalise")).toBeNull();

    const threshold = field<HTMLSelectElement>("case_branch", "category-vote-threshold");
    expect(threshold.value).toBe("more_than_half");
    expect([...threshold.options].map((o) => o.textContent)).toEqual(["过半数", "三分之二以上"]);
    await fireEvent.change(threshold, { target: { value: "two_thirds" } });
    await fireEvent.click(field("case_branch", "category-save"));
    await within(settingsOf("case_branch")).findByTestId("category-saved");
    expect(ipc.callsOf("set_category_rule")[0]?.args).toEqual({
      reviewId: review.id,
      categoryKey: "case_branch",
      rule: categoryRule({ vote_threshold: "two_thirds" }),
    });
  });

  it("checks the shape of the numbers before asking the core", async () => {
    await openOverview();
    await fireEvent.input(field("case_university", "category-quota"), { target: { value: "0" } });
    await fireEvent.click(field("case_university", "category-save"));
    const error = within(settingsOf("case_university")).getByTestId("category-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("名额应为 1 到 100000 之间的整数");
    expect(field("case_university", "category-quota").getAttribute("aria-invalid")).toBe("true");

    await fireEvent.input(field("case_university", "category-quota"), { target: { value: "5" } });
    await fireEvent.input(field("case_university", "category-trim-min"), { target: { value: "2" } });
    await fireEvent.click(field("case_university", "category-save"));
    expect(within(settingsOf("case_university")).getByTestId("category-error").textContent).toContain("3 到 1000");
    expect(document.activeElement).toBe(field("case_university", "category-trim-min"));

    expect(ipc.callsOf("set_category_quota")).toHaveLength(0);
    expect(ipc.callsOf("set_category_rule")).toHaveLength(0);
  });

  it("shows the core's refusal; a quota already saved is not sent again", async () => {
    let refuse = true;
    mock({
      set_category_rule: (args) => {
        if (refuse) throw refused;
        stored.rules[String(args.categoryKey)] = args.rule as CategoryRule;
        return structuredClone(stored);
      },
    });
    await openOverview();
    await fireEvent.input(field("case_university", "category-quota"), { target: { value: "6" } });
    await fireEvent.change(field("case_university", "category-method"), { target: { value: "median" } });
    await fireEvent.click(field("case_university", "category-save"));

    const error = await within(settingsOf("case_university")).findByTestId("category-error");
    expect(error.textContent).toContain("去掉最高最低分所需的专家数");
    expect(screen.queryByTestId("category-saved")).toBeNull();
    expect(ipc.callsOf("set_category_quota")).toHaveLength(1);

    setLang("en");
    await waitFor(() => expect(screen.getByTestId("category-error").textContent).toContain("experts needed before trimming"));

    refuse = false;
    await fireEvent.click(field("case_university", "category-save"));
    await within(settingsOf("case_university")).findByTestId("category-saved");
    expect(screen.queryByTestId("category-error")).toBeNull();
    expect(ipc.callsOf("set_category_quota")).toHaveLength(1);
    expect(ipc.callsOf("set_category_rule")[1]?.args.rule).toEqual(categoryRule({ method: "median" }));
  });
});
