import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatBytes, formatLocalDateTime, formatPoints, localDateAfter } from "./format";

describe("formatLocalDateTime", () => {
  let savedTz: string | undefined;
  beforeEach(() => {
    savedTz = process.env.TZ;
    process.env.TZ = "Asia/Shanghai";
  });
  afterEach(() => {
    process.env.TZ = savedTz;
  });

  it("shows the core's UTC timestamps in local time as YYYY-MM-DD HH:mm", () => {
    expect(formatLocalDateTime("2026-03-01T02:05:09Z")).toBe("2026-03-01 10:05");
    expect(formatLocalDateTime("2025-12-31T16:30:00Z")).toBe("2026-01-01 00:30");
    expect(formatLocalDateTime("2026-03-01T02:05:09.123456+00:00")).toBe("2026-03-01 10:05");
  });

  it("shows what it cannot parse as it came", () => {
    expect(formatLocalDateTime("not a date")).toBe("not a date");
    expect(formatLocalDateTime("")).toBe("");
  });
});

describe("formatPoints", () => {
  it("prints whole and half points plainly", () => {
    expect(formatPoints(20)).toBe("20");
    expect(formatPoints(0.5)).toBe("0.5");
  });
});

describe("formatBytes", () => {
  it("uses bytes below 1 KB and one decimal above", () => {
    expect(formatBytes(812)).toBe("812 B");
    expect(formatBytes(14540)).toBe("14.2 KB");
    expect(formatBytes(3 * 1024 * 1024 + 100 * 1024)).toBe("3.1 MB");
  });
});

describe("localDateAfter", () => {
  it("counts calendar days across month and year ends", () => {
    expect(localDateAfter(new Date(2026, 11, 25, 23, 30), 14)).toBe("2027-01-08");
    expect(localDateAfter(new Date(2026, 1, 20), 14)).toBe("2026-03-06");
  });
});
