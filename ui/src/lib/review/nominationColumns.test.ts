import { describe, expect, it } from "vitest";
import { nominations } from "$lib/testing/fixtures";
import { keyFieldColumns } from "./nominationColumns";

// The search itself is the core's (`nomination_list`, tested in tests/it/nomination_list.rs).
describe("keyFieldColumns", () => {
  it("takes the activity's key fields that the nominations carry, with the core's labels", () => {
    expect(keyFieldColumns("innovation_case", nominations)).toEqual([
      { key: "case_level", label_zh: "申报层级", label_en: "Level" },
      { key: "united_front", label_zh: "是否统战类", label_en: "United-front case?" },
    ]);
    expect(keyFieldColumns("student_exemplar", nominations)).toEqual([]);
  });
});
