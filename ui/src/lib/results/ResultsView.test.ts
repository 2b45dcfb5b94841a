import { render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { reviewResultsFixture } from "$lib/testing/fixtures";
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
