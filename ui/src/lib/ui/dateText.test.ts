import { describe, expect, it } from "vitest";
import { parseDay, parseMonth, spokenDay } from "./dateText";

describe("dates as a Chinese office writes them", () => {
  it("reads a day in the forms clerks type, full-width digits too", () => {
    for (const text of ["2026-12-21", "2026/12/21", "2026.12.21", "2026年12月21日", "２０２６－１２－２１", " 2026-1-5 "]) {
      expect(parseDay(text), text).toMatch(/^2026-(12-21|01-05)$/);
    }
    expect(parseDay("2026-1-5")).toBe("2026-01-05");
  });

  it("refuses days that are not on the calendar", () => {
    for (const text of ["2026-13-01", "2026-02-30", "2025-02-29", "21/12/2026", "12/21/2026", "", "明天"]) {
      expect(parseDay(text), text).toBeNull();
    }
    expect(parseDay("2024-02-29")).toBe("2024-02-29");
  });

  it("reads a month", () => {
    expect(parseMonth("2026/3")).toBe("2026-03");
    expect(parseMonth("2026年11月")).toBe("2026-11");
    expect(parseMonth("Dec 2026")).toBeNull();
    expect(parseMonth("2026-13")).toBeNull();
  });

  it("says a day in Chinese with its weekday, and in English without month names in Chinese", () => {
    expect(spokenDay("2026-12-21", "zh-CN")).toBe("2026年12月21日（星期一）");
    expect(spokenDay("2026-12-21", "en")).toBe("Monday, 21 December 2026");
    expect(spokenDay("not a day", "zh-CN")).toBe("");
  });
});
