import { describe, expect, it } from "vitest";
import { review } from "$lib/testing/fixtures";
import { keyFieldColumns } from "./nominationColumns";
import { filterNominations } from "./nominationFilter";

const ids = (list: { id: number }[]) => list.map((n) => n.id);

describe("filterNominations", () => {
  it("keeps everything, in order, with no filter", () => {
    expect(ids(filterNominations(review.nominations, { categoryKey: "", query: "" }))).toEqual([11, 12, 13]);
  });

  it("narrows by category", () => {
    expect(ids(filterNominations(review.nominations, { categoryKey: "case_branch", query: "" }))).toEqual([12, 13]);
  });

  it("searches names, universities, fields, extra fields and materials", () => {
    expect(ids(filterNominations(review.nominations, { categoryKey: "", query: "江北" }))).toEqual([11, 13]);
    expect(ids(filterNominations(review.nominations, { categoryKey: "", query: "党小组" }))).toEqual([12]);
    expect(ids(filterNominations(review.nominations, { categoryKey: "", query: "学校党委" }))).toEqual([11]);
    expect(ids(filterNominations(review.nominations, { categoryKey: "", query: "省级优秀" }))).toHaveLength(3);
    expect(ids(filterNominations(review.nominations, { categoryKey: "", query: "DOCX" }))).toHaveLength(3);
  });

  it("needs every word, and combines with the category", () => {
    expect(ids(filterNominations(review.nominations, { categoryKey: "", query: "江北 宿舍" }))).toEqual([13]);
    expect(ids(filterNominations(review.nominations, { categoryKey: "case_university", query: "宿舍" }))).toEqual([]);
  });

  it("folds full-width characters", () => {
    expect(ids(filterNominations(review.nominations, { categoryKey: "", query: "ＰＤＦ" }))).toHaveLength(3);
  });
});

describe("keyFieldColumns", () => {
  it("takes the activity's key fields that the nominations carry, with the core's labels", () => {
    expect(keyFieldColumns("innovation_case", review.nominations)).toEqual([
      { key: "case_level", label_zh: "申报层级", label_en: "Level" },
      { key: "united_front", label_zh: "是否统战类", label_en: "United-front case?" },
    ]);
    expect(keyFieldColumns("student_exemplar", review.nominations)).toEqual([]);
  });
});
