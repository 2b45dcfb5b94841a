import { describe, expect, it } from "vitest";
import { LANGS, isLang, messages, translate, type MessageKey } from "./messages";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the message table", () => {
  const zhKeys = Object.keys(messages["zh-CN"]).sort();

  it("has the same keys in every language", () => {
    expect(zhKeys.length).toBeGreaterThan(50);
    for (const lang of LANGS) {
      expect(Object.keys(messages[lang]).sort(), lang).toEqual(zhKeys);
    }
  });

  it("has no empty values", () => {
    for (const lang of LANGS) {
      for (const [key, value] of Object.entries(messages[lang])) {
        expect(value.trim(), `${lang} ${key}`).not.toBe("");
      }
    }
  });

  it("uses the same {placeholders} in every language", () => {
    for (const key of zhKeys as MessageKey[]) {
      expect(placeholders(messages.en[key]), key).toEqual(placeholders(messages["zh-CN"][key]));
    }
  });

  it("names the product in both languages", () => {
    expect(messages["zh-CN"]["app.name"]).toBe("PanelDesk 专家评审");
    expect(messages.en["app.name"]).toBe("PanelDesk Expert Review");
  });
});

describe("translate", () => {
  it("fills placeholders", () => {
    expect(translate("zh-CN", "nominations.count", { n: 60 })).toBe("共 60 条");
    expect(translate("en", "quota.approximate", { n: 5 })).toBe("about 5");
    expect(translate("zh-CN", "quota.approximate", { n: 5 })).toBe("约 5");
  });

  it("leaves a placeholder it was not given, rather than printing undefined", () => {
    expect(translate("zh-CN", "nominations.count", {})).toBe("共 {n} 条");
  });
});

describe("isLang", () => {
  it("accepts only the supported languages", () => {
    expect(isLang("zh-CN")).toBe(true);
    expect(isLang("en")).toBe(true);
    expect(isLang("zh")).toBe(false);
    expect(isLang(null)).toBe(false);
  });
});
