import { render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { categoryResult, nominationResult, reviewResultsFixture } from "$lib/testing/fixtures";
import ResultsView from "./ResultsView.svelte";

beforeEach(() => setLang("zh-CN"));

describe("nominations no package holds", () => {
  it("are named above the results, never left out silently", () => {
    const results = {
      ...reviewResultsFixture(),
      unpackaged: [{ nomination_id: 40, display_name: "迟到的推荐", university: "江北师范大学", category_key: "x" }],
    };
    render(ResultsView, { results, ondecide: vi.fn() });
    const warning = screen.getByTestId("results-unpackaged");
    expect(warning.textContent).toContain("1 个推荐对象不在任何现行评审包中");
    expect(warning.textContent).toContain("迟到的推荐（江北师范大学）");
  });

  it("say nothing when every nomination went out", () => {
    render(ResultsView, { results: reviewResultsFixture(), ondecide: vi.fn() });
    expect(screen.queryByTestId("results-unpackaged")).toBeNull();
  });
});

describe("a category of thousands of results", () => {
  const thousands = (flagged: boolean) => ({
    ...reviewResultsFixture(),
    categories: [
      categoryResult({
        nominations: Array.from({ length: 3_000 }, (_, i) =>
          nominationResult({
            nomination_id: i + 1,
            display_name: `推荐对象 ${i + 1}`,
            rank: i + 1,
            score: 90 - i / 100,
            cut: i < 10 ? "in" : "out",
            flags: flagged && i === 2_999 ? [{ kind: "tie_at_cut" }] : [],
          }),
        ),
      }),
    ],
  });

  it("renders only the rows in view, with every heading and the total announced", () => {
    render(ResultsView, { results: thousands(false), ondecide: vi.fn() });
    const rows = screen.getAllByTestId("result-row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]!.dataset.nominationId).toBe("1");
    const table = screen.getByTestId("results-table");
    expect(table.querySelectorAll("th")).toHaveLength(7);
    expect(table.querySelector("table")!.getAttribute("aria-rowcount")).toBe("3001");
    // One line a row where nothing is flagged or decided.
    expect(rows[0]!.style.height).toBe("44px");
  });

  it("sizes its columns from every result and gives every row two lines once one needs them", () => {
    render(ResultsView, { results: thousands(true), ondecide: vi.fn() });
    const widths = [...screen.getByTestId("results-table").querySelectorAll("th")].map((th) => th.style.width);
    // The longest name is the last row's, far out of view.
    expect(widths[1]).toBe("9.4rem");
    expect(widths[5]).toBe("");
    expect(screen.getAllByTestId("result-row")[0]!.style.height).toBe("66px");
  });
});
