//! Stand-ins for what the core returns about the register of awarded units and spot
//! checks, typed against the generated IPC types like `fixtures.ts`.

import type {
  ActivityInfo,
  Applied,
  AwardedUnit,
  Entered,
  RegisterView,
  SpotCheckView,
  UnitEvent,
  UnitOutcome,
  Verification,
} from "$lib/ipc/types";

export const activitiesFixture: ActivityInfo[] = [
  { activity: "model_university", name_zh: "全国党建工作示范高校", name_en: "Model universities" },
  { activity: "benchmark_department", name_zh: "全国党建工作标杆院系", name_en: "Benchmark departments" },
];

export function unitEvent(overrides: Partial<UnitEvent> = {}): UnitEvent {
  return {
    stage: "mid_term",
    recheck: false,
    passed: true,
    grade: "良好",
    status_after: "building",
    decided_on: "2023-11-20",
    review_id: "2023-model_university-5e5e5e5e",
    note: "",
    ...overrides,
  };
}

export function awardedUnit(overrides: Partial<AwardedUnit> = {}): AwardedUnit {
  return {
    id: "AU-0a1b2c3d4e",
    number: "2022-示范高校-001",
    awardee: "unit",
    activity: "model_university",
    activity_name_zh: "全国党建工作示范高校",
    kind: "university",
    name: "江北师范大学",
    university: "江北师范大学",
    category_key: "model_university",
    category_zh: "示范高校",
    year: 2022,
    review_id: "2022-model_university-1a1a1a1a",
    nomination_id: 3,
    build_start: "2022-11",
    build_end: "2024-11",
    status: "building",
    status_zh: "培育建设中",
    entered_at: "2022-12-01T02:00:00Z",
    events: [],
    due: { stage: "mid_term", month: "2023-11", recheck: false },
    due_now: true,
    last_checked: null,
    ...overrides,
  };
}

/** Three units as of 2024-11: one due for mid-term now, one for acceptance now, one not yet due. */
export function registerViewFixture(overrides: Partial<RegisterView> = {}): RegisterView {
  return {
    as_of: "2024-11",
    units: [
      awardedUnit(),
      awardedUnit({
        id: "AU-1111111111",
        number: "2022-标杆院系-001",
        name: "东川理工大学马克思主义学院",
        university: "东川理工大学",
        activity: "benchmark_department",
        activity_name_zh: "全国党建工作标杆院系",
        kind: "department",
        category_key: "benchmark_department",
        category_zh: "标杆院系",
        status: "rectifying",
        status_zh: "限期整改",
        due: { stage: "acceptance", month: "2024-11", recheck: true },
        due_now: true,
        last_checked: "2024-05-10",
        events: [
          unitEvent(),
          unitEvent({
            stage: "acceptance",
            passed: false,
            grade: "不合格",
            status_after: "rectifying",
            decided_on: "2024-05-10",
            review_id: "2024-benchmark_department-7c7c7c7c",
          }),
        ],
      }),
      awardedUnit({
        id: "AU-2222222222",
        name: "西岭大学",
        university: "西岭大学",
        year: 2024,
        build_start: "2024-11",
        build_end: "2026-11",
        due: { stage: "mid_term", month: "2025-11", recheck: false },
        due_now: false,
      }),
    ],
    due_mid_term: 1,
    due_acceptance: 1,
    ...overrides,
  };
}

export function spotCheckView(overrides: Partial<SpotCheckView["check"]> = {}): SpotCheckView {
  return {
    check: {
      id: "SC-2024-001",
      drawn_on: "2024-11-28",
      seed: "2024128-05-12-19",
      params: { count: 2, strata: "university", activity: null, exclude_checked_within_months: 6 },
      population: [
        { unit_id: "AU-0a1b2c3d4e", stratum: "江北师范大学" },
        { unit_id: "AU-1111111111", stratum: "东川理工大学" },
        { unit_id: "AU-2222222222", stratum: "西岭大学" },
      ],
      population_hash: "5d41402abc4b2a76b9719d911017c592ae1f2b3c4d5e6f708192a3b4c5d6e7f8",
      chosen: ["AU-1111111111", "AU-0a1b2c3d4e"],
      drawn_at: "2024-11-28T06:30:00Z",
      actor: "clerk",
      ...overrides,
    },
    units: [
      {
        unit_id: "AU-1111111111",
        name: "东川理工大学马克思主义学院",
        university: "东川理工大学",
        activity_name_zh: "全国党建工作标杆院系",
        category_zh: "标杆院系",
        year: 2022,
        stratum: "东川理工大学",
        lottery_number: "0a3f9c1e77b2d4f6a8c0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4",
      },
      {
        unit_id: "AU-0a1b2c3d4e",
        name: "江北师范大学",
        university: "江北师范大学",
        activity_name_zh: "全国党建工作示范高校",
        category_zh: "示范高校",
        year: 2022,
        stratum: "江北师范大学",
        lottery_number: "1b4e8d2f66c3e5a7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5",
      },
    ],
  };
}

export function verification(overrides: Partial<Verification> = {}): Verification {
  return {
    id: "SC-2024-001",
    population_intact: true,
    same_list: true,
    redrawn: ["AU-1111111111", "AU-0a1b2c3d4e"],
    against_register: true,
    missing_from_record: [],
    not_in_register: [],
    ok: true,
    ...overrides,
  };
}

export function entered(overrides: Partial<Entered> = {}): Entered {
  return { review_id: "2026-innovation_case-0f0f0f0f", entered: ["AU-3333333333", "AU-4444444444"], already: 1, ...overrides };
}

export function unitOutcome(overrides: Partial<UnitOutcome> = {}): UnitOutcome {
  return {
    unit_id: "AU-0a1b2c3d4e",
    name: "江北师范大学",
    university: "江北师范大学",
    grade: "良好",
    passed: true,
    recheck: false,
    status_before: "building",
    status_after: "building",
    ...overrides,
  };
}

export function applied(overrides: Partial<Applied> = {}): Applied {
  return {
    review_id: "2026-innovation_case-0f0f0f0f",
    stage: "mid_term",
    outcomes: [
      unitOutcome(),
      unitOutcome({
        unit_id: "AU-1111111111",
        name: "东川理工大学马克思主义学院",
        university: "东川理工大学",
        grade: "不合格",
        passed: false,
        status_before: "building",
        status_after: "rectifying",
      }),
    ],
    already: 0,
    ...overrides,
  };
}
