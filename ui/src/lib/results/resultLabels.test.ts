import { afterEach, describe, expect, it } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { categories, categoryResult, categoryRule, nominationResult } from "$lib/testing/fixtures";
import { aggregateText, decisionText, ruleText } from "./resultLabels";
import { panelDecision } from "$lib/testing/fixtures";

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

describe("ruleText's quorum", () => {
  it("names a vote's quorum when the rule sets one", () => {
    setLang("zh-CN");
    expect(ruleText({ scoring_mode: "vote", rule: categoryRule({ quorum: 5 }) })).toEqual([
      "投票通过：同意票过半数",
      "法定人数 5 人",
    ]);
    expect(ruleText({ scoring_mode: "vote", rule: categoryRule({ quorum: 0 }) })).toEqual(["投票通过：同意票过半数"]);
    setLang("en");
    expect(ruleText({ scoring_mode: "vote", rule: categoryRule({ quorum: 5 }) })[1]).toBe("quorum of 5 experts");
  });
});

describe("decisionText", () => {
  it("names the 会评 ballot whose count made a decision", () => {
    setLang("zh-CN");
    expect(decisionText(panelDecision())).toBe("评审组决定：入选（评审组表决 5:2）");
    expect(decisionText(panelDecision({ outcome: "out", ballot: 3, reason: "会评表决：同意 2、不同意 5、弃权 0 / 到会 7，不入选" }))).toBe(
      "会评表决 #3：不入选",
    );
    setLang("en");
    expect(decisionText(panelDecision({ ballot: 3 }))).toBe("Meeting ballot #3: in");
  });
});

describe("aggregateText of a grade", () => {
  it("names the grade on the category's own list, and on the default list when it carries none", () => {
    setLang("zh-CN");
    const graded = nominationResult({ grade: "C", score: 0 });
    const own = categoryResult({
      scoring_mode: "grade",
      grades: [
        { key: "A", name_zh: "优秀", name_en: "Excellent", passes: true },
        { key: "C", name_zh: "不合格", name_en: "Fail", passes: false },
      ],
    });
    expect(aggregateText(own, graded)).toBe("不合格");
    expect(aggregateText(categoryResult({ scoring_mode: "grade" }), nominationResult({ grade: "good" }))).toBe("良好");
    setLang("en");
    expect(aggregateText(own, graded)).toBe("Fail");
  });
});
