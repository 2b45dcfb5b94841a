import { beforeEach, describe, expect, it } from "vitest";
import { chooseText, errorMessage, pickBilingual } from "./pick";
import { LANG_STORAGE_KEY, currentLang, errorText, pick, setLang, t, toggleLang } from "./i18n.svelte";

const category = { name_zh: "统战类案例", name_en: "United-front cases" };

describe("pickBilingual", () => {
  it("picks the variant of the language", () => {
    expect(pickBilingual("zh-CN", category, "name")).toBe("统战类案例");
    expect(pickBilingual("en", category, "name")).toBe("United-front cases");
  });

  it("works for any *_zh/*_en pair", () => {
    const review = { title_zh: "评审", title_en: "Review", activity_name_zh: "标兵", activity_name_en: "Exemplars" };
    expect(pickBilingual("en", review, "activity_name")).toBe("Exemplars");
    expect(pickBilingual("zh-CN", review, "title")).toBe("评审");
  });

  it("falls back to the other language when a variant is empty", () => {
    expect(chooseText("en", "获奖情况", "")).toBe("获奖情况");
    expect(chooseText("en", "获奖情况", "  ")).toBe("获奖情况");
    expect(chooseText("zh-CN", "", "Awards")).toBe("Awards");
  });
});

describe("errorMessage", () => {
  const error = { code: "review_not_found", message_zh: "找不到评审文件", message_en: "Review file not found" };

  it("shows the core's message in the UI language", () => {
    expect(errorMessage("zh-CN", error)).toBe("找不到评审文件");
    expect(errorMessage("en", error)).toBe("Review file not found");
  });
});

describe("the current language", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("zh-CN");
  });

  it("drives t, pick and errorText", () => {
    expect(t("tab.rubric")).toBe("类别与评分标准");
    expect(pick(category, "name")).toBe("统战类案例");
    setLang("en");
    expect(t("tab.rubric")).toBe("Categories and rubrics");
    expect(pick(category, "name")).toBe("United-front cases");
    expect(errorText({ message_zh: "坏", message_en: "bad" })).toBe("bad");
  });

  it("is remembered in localStorage", () => {
    toggleLang();
    expect(currentLang()).toBe("en");
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe("en");
    expect(document.documentElement.lang).toBe("en");
    toggleLang();
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe("zh-CN");
  });
});
