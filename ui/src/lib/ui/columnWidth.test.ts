import { describe, expect, it } from "vitest";
import { columnWidth, textEm } from "./columnWidth";

describe("a column's stable width", () => {
  it("counts Chinese characters and full-width punctuation a full em, others less", () => {
    expect(textEm("东川理工大学")).toBe(6);
    expect(textEm("“红色宿舍”网格化党员服务")).toBe(13);
    expect(textEm("AU-0a1b2c3d4e")).toBeCloseTo(13 * 0.62);
    expect(textEm("䶮𠀀")).toBe(2);
  });

  it("fits the longest value with the cell's padding, within bounds", () => {
    expect(columnWidth(["高校", "东川理工大学", "江北师范大学附属中学"])).toBe("11.8rem");
    expect(columnWidth(["甲"], { min: 5 })).toBe("5rem");
    expect(columnWidth(["很".repeat(100)], { max: 20 })).toBe("20rem");
    expect(columnWidth([], { min: 4 })).toBe("4rem");
    expect(columnWidth(["东川理工大学"], { extra: 2 })).toBe("9.8rem");
  });
});
