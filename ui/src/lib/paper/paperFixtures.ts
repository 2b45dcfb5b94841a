// Typed stand-ins for the core's paper answers, for the paper screen's tests.
import type { Keyed, Mismatch, PaperSheet, PaperStatus } from "$lib/ipc/types";
import { categories, experts } from "$lib/testing/fixtures";

export const SHEET_ID = "PS-1A2B-3C4D";

/** Expert 王喆's sheet: two criteria candidates (A01, A02) and one vote candidate (B01). */
export function paperSheet(overrides: Partial<PaperSheet> = {}): PaperSheet {
  return {
    sheet_id: SHEET_ID,
    package_hash: "9f2c4e1ab37d5c6e",
    review_title_zh: "2026年基层党建创新典型案例",
    panel_name: "",
    expert: experts[0]!,
    min_comment_chars: 0,
    sections: [
      {
        category: categories[0]!,
        rows: [
          { code: "A01", nomination_id: 1, display_name: "党建引领乡村振兴", university: "江南大学" },
          { code: "A02", nomination_id: 2, display_name: "红色铸魂工程", university: "北方理工大学" },
        ],
      },
      {
        category: categories[1]!,
        rows: [{ code: "B01", nomination_id: 3, display_name: "支部建在连上", university: "江南大学" }],
      },
    ],
    auto_recused: [],
    ...overrides,
  };
}

export function mismatch(overrides: Partial<Mismatch> = {}): Mismatch {
  return { code: "A01", candidate: "党建引领乡村振兴", field: "创新性", first: "18", second: "16", ...overrides };
}

export const waiting: Keyed = { outcome: "waiting", sheet_id: SHEET_ID, keyed_by: ["王晓燕"] };

export function mismatched(mismatches: Mismatch[] = [mismatch()]): Keyed {
  return { outcome: "mismatch", sheet_id: SHEET_ID, first_by: "王晓燕", second_by: "李建国", mismatches };
}

export const recorded: Keyed = {
  outcome: "recorded",
  sheet_id: SHEET_ID,
  first_by: "王晓燕",
  second_by: "李建国",
  scored: 3,
  recused: 0,
};

export function paperStatusFixture(overrides: Partial<PaperStatus> = {}): PaperStatus {
  return {
    expert_id: 1,
    expert_name: "王喆",
    panel: "",
    sheet_id: SHEET_ID,
    package_hash: "9f2c4e1ab37d5c6e",
    bundle_counts: false,
    keyed_by: [],
    recorded_by: [],
    recorded_at: null,
    counted: false,
    superseded_by_bundle: false,
    ...overrides,
  };
}
