import { describe, expect, it } from "vitest";
import { blankEntry, entryText, fieldsOf, mismatchFor, separatorCells } from "./entry";
import { mismatch, paperSheet } from "./paperFixtures";

describe("a keyed entry as the core reads it", () => {
  it("starts with one empty row per row code, one value per criterion or vote", () => {
    const rows = blankEntry(paperSheet());
    expect(rows.map((r) => [r.code, r.values.length])).toEqual([
      ["A01", 2],
      ["A02", 2],
      ["B01", 1],
    ]);
    expect(rows.every((r) => !r.recused && r.comment === "" && r.values.every((v) => v === ""))).toBe(true);
  });

  it("writes one line per row, in sheet order, in the keyed-sheet format", () => {
    const rows = blankEntry(paperSheet());
    rows[0]!.values = ["18", " 17.5 "];
    rows[0]!.comment = "材料翔实，事迹突出";
    rows[1]!.recused = true;
    rows[1]!.reason = "亲属";
    rows[1]!.comment = "配偶在该校";
    rows[2]!.values = ["同意"];
    expect(entryText(paperSheet(), rows)).toBe(
      ["A01,18,17.5,材料翔实，事迹突出", "A02,回避,亲属,配偶在该校", "B01,同意,"].join("\n"),
    );
  });

  it("finds a value that would split into two cells", () => {
    const rows = blankEntry(paperSheet());
    rows[0]!.values = ["18,5", "17"];
    rows[2]!.values = ["同意"];
    expect(separatorCells(rows)).toEqual(["A01"]);
  });

  it("names each cell as the core names it in a mismatch", () => {
    const sheet = paperSheet();
    expect(fieldsOf(sheet.sections[0]!)).toEqual(["真实性", "创新性"]);
    expect(fieldsOf(sheet.sections[1]!)).toEqual(["表决"]);
    const list = [mismatch(), mismatch({ code: "B01", field: "评语", first: "", second: "好" })];
    expect(mismatchFor(list, "A01", "创新性")?.second).toBe("16");
    expect(mismatchFor(list, "A01", "真实性")).toBeUndefined();
    expect(mismatchFor(list, "B01", "评语")?.second).toBe("好");
  });
});
