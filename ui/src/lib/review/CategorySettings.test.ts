import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { CategoryRule, IpcError, ReviewOutline } from "$lib/ipc/types";
import { categoryRule, ipcError, review } from "$lib/testing/fixtures";
import { mockReview } from "$lib/testing/reviewMock";
import ReviewScreen from "./ReviewScreen.svelte";
import { freshPage } from "$lib/testing/page";

const refused = ipcError("bad_input", "去掉最高最低分所需的专家数应在 3 到 1000 之间：2000", "experts needed before trimming must be 3 to 1000: 2000");

let ipc: MockedCommands;
/** What the "core" holds: each command answers with the whole review, as the real one does. */
let stored: ReviewOutline;

function mock(overrides: Record<string, CommandHandler> = {}) {
  ({ ipc, stored } = mockReview(review, (stored) => ({
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
  })));
}

beforeEach(() => {
  freshPage();
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
      rule: {
        method: "mean",
        trim_min_experts: 5,
        normalise: true,
        vote_threshold: "more_than_half",
        tie_breakers: [{ kind: "more_top_marks" }],
      },
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

describe("a category's tie-breakers", () => {
  const breakers = (key: string) =>
    within(settingsOf(key))
      .queryAllByTestId("category-tie-breaker")
      .map((el) => ({ kind: el.dataset.kind, key: el.dataset.key, text: el.querySelector(".words")?.textContent }));
  const breakerButtons = (key: string, testid: string) =>
    within(settingsOf(key)).getAllByTestId(testid) as HTMLButtonElement[];
  const addOptions = (key: string) =>
    [...field<HTMLSelectElement>(key, "category-tie-breaker-add-select").options].map((o) => [o.value, o.textContent]);

  async function add(key: string, value: string) {
    await fireEvent.change(field<HTMLSelectElement>(key, "category-tie-breaker-add-select"), { target: { value } });
    await fireEvent.click(field<HTMLButtonElement>(key, "category-tie-breaker-add"));
  }

  it("shows the stored list in words, with what can still be added", async () => {
    await openOverview();
    expect(breakers("case_university")).toEqual([{ kind: "more_top_marks", key: undefined, text: "满分票数多者在前" }]);
    expect(within(settingsOf("case_university")).getByText("同分时依次比较")).toBeTruthy();
    expect(within(settingsOf("case_university")).getByTestId("category-tie-breaker-panel").textContent?.trim()).toBe(
      "仍并列且跨越名额线时，由评审组决定",
    );
    expect(addOptions("case_university")).toEqual([
      ["criterion:c1", "「真实性」平均分"],
      ["criterion:c2", "「创新性」平均分"],
    ]);
    expect(breakerButtons("case_university", "category-tie-breaker-up")[0]!.disabled).toBe(true);
    expect(breakerButtons("case_university", "category-tie-breaker-down")[0]!.disabled).toBe(true);
    expect(breakerButtons("case_university", "category-tie-breaker-remove")[0]!.getAttribute("aria-label")).toBe(
      "删除：满分票数多者在前",
    );

    setLang("en");
    await waitFor(() => expect(breakers("case_university")[0]!.text).toBe("More top marks first"));
    expect(addOptions("case_university")[0]).toEqual(["criterion:c1", "Mean on Authenticity"]);
    expect(within(settingsOf("case_university")).getByTestId("category-tie-breaker-panel").textContent?.trim()).toBe(
      "Still tied across the cut line: the panel decides",
    );
  });

  it("adds, reorders and removes with buttons, and saves the list in its new order", async () => {
    await openOverview();
    await add("case_university", "criterion:c2");
    expect(addOptions("case_university")).toEqual([["criterion:c1", "「真实性」平均分"]]);
    // The first one still offered is chosen unless another is.
    await fireEvent.click(field<HTMLButtonElement>("case_university", "category-tie-breaker-add"));
    expect(breakers("case_university").map((b) => b.key ?? b.kind)).toEqual(["more_top_marks", "c2", "c1"]);
    expect(breakers("case_university")[2]!.text).toBe("「真实性」平均分高者在前");
    // Nothing is left to add.
    expect(field<HTMLButtonElement>("case_university", "category-tie-breaker-add").disabled).toBe(true);
    expect(within(settingsOf("case_university")).getByText("所有比较项都已在列表中。")).toBeTruthy();

    // Move 「真实性」 up: focus follows it.
    await fireEvent.click(breakerButtons("case_university", "category-tie-breaker-up")[2]!);
    expect(breakers("case_university").map((b) => b.key ?? b.kind)).toEqual(["more_top_marks", "c1", "c2"]);
    await waitFor(() =>
      expect((document.activeElement as HTMLElement).getAttribute("aria-label")).toBe("上移：「真实性」平均分高者在前"),
    );
    // Top marks to the end.
    await fireEvent.click(breakerButtons("case_university", "category-tie-breaker-down")[0]!);
    await fireEvent.click(breakerButtons("case_university", "category-tie-breaker-down")[1]!);
    expect(breakers("case_university").map((b) => b.key ?? b.kind)).toEqual(["c1", "c2", "more_top_marks"]);
    // Remove 「创新性」: focus goes to the next item's remove button.
    await fireEvent.click(breakerButtons("case_university", "category-tie-breaker-remove")[1]!);
    expect(breakers("case_university").map((b) => b.key ?? b.kind)).toEqual(["c1", "more_top_marks"]);
    await waitFor(() =>
      expect((document.activeElement as HTMLElement).getAttribute("aria-label")).toBe("删除：满分票数多者在前"),
    );
    expect(addOptions("case_university")).toEqual([["criterion:c2", "「创新性」平均分"]]);
    expect(ipc.callsOf("set_category_rule")).toHaveLength(0);

    await fireEvent.click(field("case_university", "category-save"));
    await within(settingsOf("case_university")).findByTestId("category-saved");
    expect(ipc.callsOf("set_category_quota")).toHaveLength(0);
    expect(ipc.callsOf("set_category_rule")[0]?.args).toEqual({
      reviewId: review.id,
      categoryKey: "case_university",
      rule: categoryRule({
        tie_breakers: [{ kind: "criterion", key: "c1" }, { kind: "more_top_marks" }],
      }),
    });
    // The form shows what the core returned.
    expect(breakers("case_university").map((b) => b.key ?? b.kind)).toEqual(["c1", "more_top_marks"]);
  });

  it("sends nothing when the list ends as it was", async () => {
    await openOverview();
    await add("case_university", "criterion:c1");
    await fireEvent.click(breakerButtons("case_university", "category-tie-breaker-up")[1]!);
    await fireEvent.click(breakerButtons("case_university", "category-tie-breaker-remove")[0]!);
    expect(breakers("case_university").map((b) => b.key ?? b.kind)).toEqual(["more_top_marks"]);
    await fireEvent.click(field("case_university", "category-save"));
    await waitFor(() =>
      expect(within(settingsOf("case_university")).getByTestId("category-saved").textContent).toBe("没有改动，无需保存"),
    );
    expect(ipc.callsOf("set_category_rule")).toHaveLength(0);
  });

  it("sends an empty list: ties go straight to the panel", async () => {
    await openOverview();
    await fireEvent.click(breakerButtons("case_university", "category-tie-breaker-remove")[0]!);
    expect(breakers("case_university")).toEqual([]);
    expect(within(settingsOf("case_university")).getByTestId("category-tie-breaker-panel").textContent?.trim()).toBe(
      "同分且跨越名额线时，直接由评审组决定",
    );
    await waitFor(() => expect(document.activeElement).toBe(field("case_university", "category-tie-breaker-add-select")));
    expect(addOptions("case_university").map(([value]) => value)).toEqual(["more_top_marks", "criterion:c1", "criterion:c2"]);
    await fireEvent.click(field("case_university", "category-save"));
    await within(settingsOf("case_university")).findByTestId("category-saved");
    expect(ipc.callsOf("set_category_rule")[0]?.args.rule).toEqual(categoryRule({ tie_breakers: [] }));
  });

  it("offers no more than five", async () => {
    stored.categories[0]!.rubric.criteria = ["c1", "c2", "c3", "c4", "c5"].map((key, i) => ({
      key,
      name_zh: `细则${i + 1}`,
      name_en: `Criterion ${i + 1}`,
      max_points: 20,
      step: 0.5,
      guidance_zh: "",
      placeholder: false,
    }));
    stored.rules.case_university = categoryRule({
      tie_breakers: [{ kind: "more_top_marks" }, { kind: "criterion", key: "c1" }, { kind: "criterion", key: "c2" }],
    });
    await openOverview();
    await add("case_university", "criterion:c4");
    expect(field<HTMLButtonElement>("case_university", "category-tie-breaker-add").disabled).toBe(false);
    await add("case_university", "criterion:c3");
    expect(breakers("case_university").map((b) => b.key ?? b.kind)).toEqual(["more_top_marks", "c1", "c2", "c4", "c3"]);
    expect(field<HTMLButtonElement>("case_university", "category-tie-breaker-add").disabled).toBe(true);
    expect(field<HTMLSelectElement>("case_university", "category-tie-breaker-add-select").disabled).toBe(true);
    expect(within(settingsOf("case_university")).getByText("最多 5 项。")).toBeTruthy();

    await fireEvent.click(breakerButtons("case_university", "category-tie-breaker-remove")[4]!);
    expect(field<HTMLButtonElement>("case_university", "category-tie-breaker-add").disabled).toBe(false);
    expect(addOptions("case_university").map(([value]) => value)).toEqual(["criterion:c3", "criterion:c5"]);
  });

  it("leaves a vote category's stored list alone and sends it back unchanged", async () => {
    stored.rules.case_branch = categoryRule({ tie_breakers: [] });
    await openOverview();
    expect(within(settingsOf("case_branch")).queryByTestId("category-tie-breaker")).toBeNull();
    expect(within(settingsOf("case_branch")).queryByTestId("category-tie-breaker-add")).toBeNull();
    expect(within(settingsOf("case_branch")).queryByText("同分时依次比较")).toBeNull();

    await fireEvent.change(field<HTMLSelectElement>("case_branch", "category-vote-threshold"), {
      target: { value: "two_thirds" },
    });
    await fireEvent.click(field("case_branch", "category-save"));
    await within(settingsOf("case_branch")).findByTestId("category-saved");
    expect(ipc.callsOf("set_category_rule")[0]?.args.rule).toEqual(
      categoryRule({ vote_threshold: "two_thirds", tie_breakers: [] }),
    );
  });
});

describe("a category's allowance per university", () => {
  function mockAllowance(refuse: IpcError | null = null) {
    mock({
      set_category_allowance: (args) => {
        if (refuse) throw refuse;
        const category = stored.categories.find((c) => c.key === args.categoryKey)!;
        category.allowance = (args.allowance as number | null) ?? null;
        return structuredClone(stored);
      },
    });
  }

  it("shows no limit, sets one and clears it, each through the core", async () => {
    mockAllowance();
    await openOverview();
    const input = () => field("case_university", "category-allowance");
    expect(input().value).toBe("");
    expect(input().placeholder).toBe("不限");
    expect(within(settingsOf("case_university")).getByText(/每所学校在本类别最多推荐几项/)).toBeTruthy();

    await fireEvent.input(input(), { target: { value: "3" } });
    await fireEvent.click(field("case_university", "category-save"));
    await within(settingsOf("case_university")).findByTestId("category-saved");
    expect(ipc.callsOf("set_category_allowance")).toEqual([
      expect.objectContaining({ args: { reviewId: review.id, categoryKey: "case_university", allowance: 3 } }),
    ]);
    expect(ipc.callsOf("set_category_quota")).toHaveLength(0);
    expect(input().value).toBe("3");

    await fireEvent.input(input(), { target: { value: "" } });
    await fireEvent.click(field("case_university", "category-save"));
    await waitFor(() => expect(ipc.callsOf("set_category_allowance")).toHaveLength(2));
    expect(ipc.callsOf("set_category_allowance")[1]?.args).toMatchObject({ allowance: null });
    await within(settingsOf("case_university")).findByTestId("category-saved");
    expect(stored.categories[0]!.allowance).toBeNull();
  });

  it("checks the number's shape, then shows the core's refusal in both languages", async () => {
    mockAllowance({ code: "bad_input", message_zh: "每校限报数应在 1 到 100000 之间（不限时留空）：7", message_en: "the allowance per university must be 1 to 100000: 7" });
    await openOverview();
    await fireEvent.input(field("case_branch", "category-allowance"), { target: { value: "2.5" } });
    await fireEvent.click(field("case_branch", "category-save"));
    expect(within(settingsOf("case_branch")).getByTestId("category-error").textContent).toContain("每校限报数应为 1 到 100000 之间的整数");
    expect(field("case_branch", "category-allowance").getAttribute("aria-invalid")).toBe("true");
    expect(ipc.callsOf("set_category_allowance")).toHaveLength(0);

    await fireEvent.input(field("case_branch", "category-allowance"), { target: { value: "7" } });
    await fireEvent.click(field("case_branch", "category-save"));
    const error = await within(settingsOf("case_branch")).findByTestId("category-error");
    expect(error.textContent).toContain("每校限报数应在 1 到 100000 之间（不限时留空）：7");
    setLang("en");
    await waitFor(() => expect(screen.getByTestId("category-error").textContent).toContain("allowance per university"));
  });
});

describe("a vote category's quorum (法定人数)", () => {
  const notVote = ipcError("bad_input", "输入有误：法定人数应在 0 到 1000 之间：1001", "Invalid input: the quorum must be 0 to 1000: 1001");

  it("is offered for vote categories only, empty while none is set", async () => {
    await openOverview();
    expect(within(settingsOf("case_university")).queryByTestId("category-quorum")).toBeNull();
    const quorum = field("case_branch", "category-quorum");
    expect(quorum.value).toBe("");
    expect(quorum.placeholder).toBe("不设");
    expect(within(settingsOf("case_branch")).getByText(/少于此数时，表决一律不通过/)).toBeTruthy();
  });

  it("is saved with the rule, and cleared by emptying it", async () => {
    await openOverview();
    await fireEvent.input(field("case_branch", "category-quorum"), { target: { value: "5" } });
    await fireEvent.click(field("case_branch", "category-save"));
    await within(settingsOf("case_branch")).findByTestId("category-saved");
    expect(ipc.callsOf("set_category_rule")[0]?.args).toEqual({
      reviewId: review.id,
      categoryKey: "case_branch",
      rule: categoryRule({ quorum: 5 }),
    });
    expect(stored.rules.case_branch?.quorum).toBe(5);
    expect(field("case_branch", "category-quorum").value).toBe("5");

    // Unchanged: nothing to send.
    await fireEvent.click(field("case_branch", "category-save"));
    await waitFor(() =>
      expect(within(settingsOf("case_branch")).getByTestId("category-saved").textContent).toBe("没有改动，无需保存"),
    );
    expect(ipc.callsOf("set_category_rule")).toHaveLength(1);

    // 0, or nothing, is no quorum: the core's default when the rule leaves it out.
    await fireEvent.input(field("case_branch", "category-quorum"), { target: { value: "0" } });
    await fireEvent.click(field("case_branch", "category-save"));
    await waitFor(() => expect(ipc.callsOf("set_category_rule")).toHaveLength(2));
    expect(ipc.callsOf("set_category_rule")[1]?.args.rule).toEqual(categoryRule());
    expect((ipc.callsOf("set_category_rule")[1]?.args.rule as CategoryRule).quorum ?? 0).toBe(0);
    await within(settingsOf("case_branch")).findByTestId("category-saved");
    expect(field("case_branch", "category-quorum").value).toBe("");
  });

  it("shows a stored quorum, and the threshold and quorum change together in one rule", async () => {
    stored.rules.case_branch = categoryRule({ quorum: 4 });
    await openOverview();
    expect(field("case_branch", "category-quorum").value).toBe("4");
    await fireEvent.input(field("case_branch", "category-quorum"), { target: { value: "" } });
    await fireEvent.change(field<HTMLSelectElement>("case_branch", "category-vote-threshold"), {
      target: { value: "two_thirds" },
    });
    await fireEvent.click(field("case_branch", "category-save"));
    await within(settingsOf("case_branch")).findByTestId("category-saved");
    expect(ipc.callsOf("set_category_rule").map((c) => c.args.rule)).toEqual([
      categoryRule({ vote_threshold: "two_thirds" }),
    ]);
    expect(stored.rules.case_branch?.quorum ?? 0).toBe(0);
  });

  it("checks the number's shape, then shows the core's refusal", async () => {
    mock({
      set_category_rule: () => {
        throw notVote;
      },
    });
    await openOverview();
    await fireEvent.input(field("case_branch", "category-quorum"), { target: { value: "2.5" } });
    await fireEvent.click(field("case_branch", "category-save"));
    const error = within(settingsOf("case_branch")).getByTestId("category-error");
    expect(error.textContent).toContain("法定人数应为 0 到 1000 之间的整数");
    expect(field("case_branch", "category-quorum").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(field("case_branch", "category-quorum"));
    expect(ipc.callsOf("set_category_rule")).toHaveLength(0);

    await fireEvent.input(field("case_branch", "category-quorum"), { target: { value: "1001" } });
    await fireEvent.click(field("case_branch", "category-save"));
    expect(within(settingsOf("case_branch")).getByTestId("category-error").textContent).toContain("法定人数应为 0 到 1000");
    expect(ipc.callsOf("set_category_rule")).toHaveLength(0);

    await fireEvent.input(field("case_branch", "category-quorum"), { target: { value: "6" } });
    await fireEvent.click(field("case_branch", "category-save"));
    await waitFor(() =>
      expect(within(settingsOf("case_branch")).getByTestId("category-error").textContent).toContain("法定人数应在 0 到 1000 之间"),
    );
    expect(field("case_branch", "category-quorum").value).toBe("6");
  });
});
