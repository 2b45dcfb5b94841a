import { afterEach, describe, expect, it } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { categories, categoryRule } from "$lib/testing/fixtures";
import { ruleText } from "./resultLabels";

const criteria = categories[0]!.rubric.criteria;

afterEach(() => setLang("zh-CN"));

describe("ruleText's tie-breakers", () => {
  it("names them in order, by the criterion's name", () => {
    setLang("zh-CN");
    const rule = categoryRule({ method: "mean", tie_breakers: [{ kind: "criterion", key: "c1" }, { kind: "more_top_marks" }] });
    expect(ruleText({ scoring_mode: "criteria", rule }, criteria)).toEqual([
      "计分方法：平均分",
      "未作标准化",
      "同分比较：「真实性」均分、满分票数",
    ]);
    setLang("en");
    expect(ruleText({ scoring_mode: "criteria", rule }, criteria)[2]).toBe("ties broken by: mean on Authenticity, top marks");
  });

  it("says the panel decides when there are none, and falls back to the key for an unknown criterion", () => {
    setLang("zh-CN");
    expect(ruleText({ scoring_mode: "criteria", rule: categoryRule({ tie_breakers: [] }) }, criteria)[2]).toBe("同分由评审组决定");
    expect(
      ruleText({ scoring_mode: "criteria", rule: categoryRule({ tie_breakers: [{ kind: "criterion", key: "c9" }] }) })[2],
    ).toBe("同分比较：「c9」均分");
  });

  it("leaves them out for votes and grades", () => {
    setLang("zh-CN");
    expect(ruleText({ scoring_mode: "vote", rule: categoryRule() })).toEqual(["投票通过：同意票过半数"]);
    expect(ruleText({ scoring_mode: "grade", rule: categoryRule() })).toEqual([]);
  });
});
