import { describe, expect, it } from "vitest";
import { UNEXPECTED, isIpcError, toIpcError } from "./errors";

describe("toIpcError", () => {
  it("passes an IpcError from the core through unchanged", () => {
    const error = { code: "bad_year", message_zh: "年份无效", message_en: "Invalid year" };
    expect(isIpcError(error)).toBe(true);
    expect(toIpcError(error)).toBe(error);
  });

  it("wraps strings, Errors and anything else as 'unexpected', keeping the detail", () => {
    const fromString = toIpcError("command open_review not found");
    expect(fromString.code).toBe(UNEXPECTED);
    expect(fromString.message_zh).toContain("command open_review not found");
    expect(fromString.message_en).toContain("command open_review not found");

    expect(toIpcError(new Error("boom")).message_en).toContain("boom");
    expect(toIpcError({ code: 7 }).code).toBe(UNEXPECTED);
    expect(toIpcError(undefined).code).toBe(UNEXPECTED);
    expect(isIpcError(null)).toBe(false);
  });
});
