import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import type { CategoryRubric, CriterionEdit, GradeLevel, IpcError, RubricChange } from "$lib/ipc/types";
import { categories, ipcError } from "$lib/testing/fixtures";
import RubricTab from "./RubricTab.svelte";
import { freshPage } from "$lib/testing/page";

const REVIEW = "2026-innovation_case-test";

let ipc: MockedCommands;
/** What the "core" holds: each edit answers with the category as stored. */
let stored: CategoryRubric[];

/** The list a category has until the clerk sets one, as the core sends it in full. */
const DEFAULT_GRADES: GradeLevel[] = [
  { key: "excellent", name_zh: "优秀", name_en: "Excellent", passes: true },
  { key: "good", name_zh: "良好", name_en: "Good", passes: true },
  { key: "pass", name_zh: "合格", name_en: "Pass", passes: true },
  { key: "fail", name_zh: "不合格", name_en: "Fail", passes: false },
];

function status(sent = 0): CategoryRubric[] {
  return structuredClone(categories).map((category, i) => ({
    category,
    vote_threshold: "more_than_half",
    grades: structuredClone(DEFAULT_GRADES),
    sent:
      i === 0
        ? Array.from({ length: sent }, (_, n) => ({ hash: `h${n}`, built_at: "2026-11-30T08:00:00Z", panel: "" }))
        : [],
  }));
}

/** Applies the change the way the core would for the cases these tests send. */
function apply(r: CategoryRubric, change: RubricChange, unlock: boolean): CategoryRubric {
  const criteria = r.category.rubric.criteria;
  if (change.kind === "edit") {
    const c = criteria.find((k) => k.key === change.key)!;
    const e: CriterionEdit = change.edit;
    if (e.name_zh !== null && e.name_zh !== c.name_zh) c.placeholder = false;
    c.name_zh = e.name_zh ?? c.name_zh;
    c.guidance_zh = e.guidance_zh ?? c.guidance_zh;
    c.bands = e.bands ?? c.bands;
    c.weight = e.weight ?? c.weight;
  } else if (change.kind === "mode") {
    r.category.scoring_mode = change.mode;
    r.vote_threshold = change.vote_threshold ?? r.vote_threshold;
  } else if (change.kind === "grades") {
    r.grades = change.grades;
    r.category.grades = change.grades;
  } else if (change.kind === "move") {
    const i = criteria.findIndex((k) => k.key === change.key);
    const [k] = criteria.splice(i, 1);
    criteria.splice(change.to - 1, 0, k!);
  }
  if (unlock) r.sent = [];
  return r;
}

function mock(sent = 0, refusal: IpcError | null = null, graded = false) {
  stored = status(sent);
  if (graded) stored[0]!.category.scoring_mode = "grade";
  ipc = mockCommands({
    rubric_status: () => structuredClone(stored),
    edit_rubric: (args) => {
      const r = stored.find((c) => c.category.key === args.categoryKey)!;
      if (refusal) throw refusal;
      if (r.sent.length > 0 && !args.unlock) {
        throw ipcError("rubric_locked", "评分细则已锁定", "the rubric is locked");
      }
      return structuredClone(apply(r, args.change as RubricChange, Boolean(args.unlock)));
    },
  });
}

beforeEach(() => {
  freshPage();
});
afterEach(clearCommandMocks);

function categoryBlock(key: string): HTMLElement {
  const found = screen.getAllByTestId("rubric-category").find((el) => el.dataset.category === key);
  if (!found) throw new Error(`no rubric for ${key}`);
  return found;
}

async function open() {
  render(RubricTab, { reviewId: REVIEW, categories });
  await screen.findAllByTestId("criterion-edit");
}

describe("the rubric editor", () => {
  it("fills in a placeholder with guidance and bands, sending one edit to the core", async () => {
    mock();
    await open();
    const branch = categoryBlock("case_branch");
    expect(within(branch).getByTestId("placeholder-note")).toBeTruthy();
    await fireEvent.click(within(branch).getByTestId("criterion-edit"));
    await fireEvent.input(within(branch).getByTestId("criterion-name-zh"), { target: { value: "政治功能过硬" } });
    await fireEvent.input(within(branch).getByTestId("criterion-guidance"), {
      target: { value: "党委领导核心作用发挥充分" },
    });
    await fireEvent.click(within(branch).getByTestId("band-add"));
    await fireEvent.input(within(branch).getByTestId("band-label"), { target: { value: "优" } });
    await fireEvent.input(within(branch).getByTestId("band-from"), { target: { value: "18" } });
    await fireEvent.input(within(branch).getByTestId("band-to"), { target: { value: "20" } });
    await fireEvent.click(within(branch).getByTestId("criterion-save"));

    await waitFor(() => expect(within(branch).getByTestId("rubric-saved")).toBeTruthy());
    const [call] = ipc.callsOf("edit_rubric");
    expect(call!.args).toEqual({
      reviewId: REVIEW,
      categoryKey: "case_branch",
      unlock: false,
      change: {
        kind: "edit",
        key: "c1",
        edit: {
          name_zh: "政治功能过硬",
          name_en: "Criterion 1 (to be worded)",
          max_points: 20,
          step: 0.5,
          guidance_zh: "党委领导核心作用发挥充分",
          bands: [{ label: "优", from: 18, to: 20 }],
          weight: 1,
        },
      },
    });
    // What the core answered is what is shown: named, so no longer a placeholder.
    const row = within(branch).getByTestId("criterion-row");
    expect(row.textContent).toContain("政治功能过硬");
    expect(within(row).getByTestId("criterion-bands").textContent).toBe("优 18–20");
    expect(within(branch).queryByTestId("placeholder-note")).toBeNull();
    expect(within(branch).queryByTestId("criterion-form")).toBeNull();
  });

  it("sends a criterion's weight and shows what counts more than its points", async () => {
    mock();
    await open();
    const university = categoryBlock("case_university");
    const first = within(university).getAllByTestId("criterion-row")[0]!;
    expect(within(first).getByTestId("criterion-weight").textContent).toBe("1");
    await fireEvent.click(within(university).getAllByTestId("criterion-edit")[0]!);
    const input = within(university).getByTestId("criterion-weight-input") as HTMLInputElement;
    expect(input.value).toBe("1");
    await fireEvent.input(input, { target: { value: "1.5" } });
    await fireEvent.click(within(university).getByTestId("criterion-save"));
    await waitFor(() => expect(within(university).getByTestId("rubric-saved")).toBeTruthy());
    const [call] = ipc.callsOf("edit_rubric");
    expect((call!.args as { change: RubricChange }).change).toMatchObject({ kind: "edit", edit: { weight: 1.5 } });
    const row = within(university).getAllByTestId("criterion-row")[0]!;
    expect(within(row).getByTestId("criterion-weight").textContent).toBe("1.5");
  });

  it("shows the core's refusal as worded and keeps the form", async () => {
    mock(
      0,
      ipcError("bad_input", "输入有误：“真实性”的满分 20 须为步长 3 的整数倍", "Invalid input: the maximum of 真实性, 20, must be a multiple of its step 3"),
    );
    await open();
    const university = categoryBlock("case_university");
    await fireEvent.click(within(university).getAllByTestId("criterion-edit")[0]!);
    await fireEvent.input(within(university).getByTestId("criterion-step"), { target: { value: "3" } });
    await fireEvent.click(within(university).getByTestId("criterion-save"));
    const error = await within(university).findByTestId("rubric-error");
    expect(error.textContent).toContain("须为步长 3 的整数倍");
    expect(error.dataset.code).toBe("bad_input");
    expect(within(university).getByTestId("criterion-form")).toBeTruthy();
  });

  it("asks for an empty number before sending anything", async () => {
    mock();
    await open();
    const university = categoryBlock("case_university");
    await fireEvent.click(within(university).getByTestId("criterion-add"));
    await fireEvent.input(within(university).getByTestId("criterion-name-zh"), { target: { value: "实效性" } });
    await fireEvent.click(within(university).getByTestId("criterion-save"));
    expect((await within(university).findByTestId("rubric-error")).textContent).toContain("须填写数字");
    expect(ipc.callsOf("edit_rubric")).toHaveLength(0);
  });

  it("moves a criterion and switches a category to a two-thirds vote", async () => {
    mock();
    await open();
    const university = categoryBlock("case_university");
    await fireEvent.click(within(university).getAllByTestId("criterion-down")[0]!);
    await waitFor(() =>
      expect(within(university).getAllByTestId("criterion-row").map((r) => r.dataset.criterionKey)).toEqual([
        "c2",
        "c1",
      ]),
    );
    expect(ipc.callsOf("edit_rubric")[0]!.args.change).toEqual({ kind: "move", key: "c1", to: 2 });

    await fireEvent.change(within(university).getByTestId("rubric-mode-select"), { target: { value: "vote" } });
    await fireEvent.change(within(university).getByTestId("rubric-threshold-select"), {
      target: { value: "two_thirds" },
    });
    await fireEvent.click(within(university).getByTestId("rubric-mode-save"));
    await waitFor(() => expect(within(university).getByTestId("rubric-mode").textContent).toContain("投票"));
    expect(ipc.callsOf("edit_rubric")[1]!.args.change).toEqual({
      kind: "mode",
      mode: "vote",
      vote_threshold: "two_thirds",
    });
  });

  it("is read-only once a package went out, until the clerk confirms the unlock", async () => {
    mock(2);
    await open();
    const university = categoryBlock("case_university");
    expect(within(university).getByTestId("rubric-locked").textContent).toContain("已随 2 个评审包发出");
    expect(within(university).queryByTestId("criterion-edit")).toBeNull();
    expect(within(university).queryByTestId("rubric-mode-select")).toBeNull();
    // The other category went out in no package.
    expect(within(categoryBlock("case_branch")).getByTestId("criterion-edit")).toBeTruthy();

    await fireEvent.click(within(university).getByTestId("rubric-unlock"));
    expect(within(university).getByTestId("rubric-locked").textContent).toContain("不再计入");
    await fireEvent.click(within(university).getByTestId("rubric-unlock-confirm"));
    await fireEvent.click(within(university).getAllByTestId("criterion-down")[0]!);
    await waitFor(() => expect(within(university).queryByTestId("rubric-locked")).toBeNull());
    expect(ipc.callsOf("edit_rubric")[0]!.args.unlock).toBe(true);
  });

  it("edits a graded category's grade list as a draft and sends it whole", async () => {
    mock(0, null, true);
    await open();
    const university = categoryBlock("case_university");
    const list = within(university).getByTestId("grade-list");
    const keys = () => within(list).getAllByTestId("grade-row").map((r) => r.dataset.gradeKey);
    expect(keys()).toEqual(["excellent", "good", "pass", "fail"]);
    // A stored grade keeps its key; only its names change.
    expect(within(list).queryAllByTestId("grade-key")).toHaveLength(0);
    expect((within(list).getByTestId("grade-save") as HTMLButtonElement).disabled).toBe(true);

    // Remove 良好, rename 合格, add a grade that does not pass and move it above 不合格.
    await fireEvent.click(within(list).getAllByTestId("grade-remove")[1]!);
    await fireEvent.input(within(list).getAllByTestId("grade-name-zh")[1]!, { target: { value: "通过" } });
    await fireEvent.click(within(list).getByTestId("grade-add"));
    const added = within(list).getAllByTestId("grade-row")[3]!;
    await fireEvent.input(within(added).getByTestId("grade-key"), { target: { value: "retry" } });
    await fireEvent.input(within(added).getByTestId("grade-name-zh"), { target: { value: "暂缓" } });
    await fireEvent.input(within(added).getByTestId("grade-name-en"), { target: { value: "Deferred" } });
    await fireEvent.click(within(added).getByTestId("grade-up"));
    expect(ipc.callsOf("edit_rubric")).toHaveLength(0);
    await fireEvent.click(within(list).getByTestId("grade-save"));

    await waitFor(() => expect(within(university).getByTestId("rubric-saved")).toBeTruthy());
    expect(ipc.callsOf("edit_rubric")[0]!.args.change).toEqual({
      kind: "grades",
      grades: [
        { key: "excellent", name_zh: "优秀", name_en: "Excellent", passes: true },
        { key: "pass", name_zh: "通过", name_en: "Pass", passes: true },
        { key: "retry", name_zh: "暂缓", name_en: "Deferred", passes: false },
        { key: "fail", name_zh: "不合格", name_en: "Fail", passes: false },
      ],
    });
    // Drawn again from what the core stored.
    const shown = within(university).getByTestId("grade-list");
    expect(within(shown).getAllByTestId("grade-row").map((r) => r.dataset.gradeKey)).toEqual([
      "excellent",
      "pass",
      "retry",
      "fail",
    ]);
    expect(within(shown).queryAllByTestId("grade-key")).toHaveLength(0);
  });

  it("sets which grades pass and shows the core's refusal of a list, keeping the draft", async () => {
    mock(
      0,
      ipcError(
        "bad_input",
        "输入有误：等级由高到低排列：通过的“合格”不能排在不通过的“不合格”之后",
        "Invalid input: grades run best first",
      ),
      true,
    );
    await open();
    const list = within(categoryBlock("case_university")).getByTestId("grade-list");
    const passes = within(list).getAllByTestId("grade-passes") as HTMLInputElement[];
    expect(passes.map((p) => p.checked)).toEqual([true, true, true, false]);
    await fireEvent.click(within(list).getAllByTestId("grade-down")[2]!);
    await fireEvent.click(within(list).getByTestId("grade-save"));
    const error = await within(categoryBlock("case_university")).findByTestId("rubric-error");
    expect(error.textContent).toContain("不能排在不通过的");
    expect(within(list).getAllByTestId("grade-row").map((r) => r.dataset.gradeKey)).toEqual([
      "excellent",
      "good",
      "fail",
      "pass",
    ]);
    await fireEvent.click(within(list).getByTestId("grade-reset"));
    expect(within(list).getAllByTestId("grade-row").map((r) => r.dataset.gradeKey)).toEqual([
      "excellent",
      "good",
      "pass",
      "fail",
    ]);
  });

  it("shows a locked category's grade list read-only", async () => {
    mock(1, null, true);
    await open();
    const list = within(categoryBlock("case_university")).getByTestId("grade-list");
    expect(within(list).queryByTestId("grade-save")).toBeNull();
    expect(within(list).queryAllByTestId("grade-name-zh")).toHaveLength(0);
    expect(within(list).getAllByTestId("grade-passes-text").map((c) => c.textContent)).toEqual([
      "通过",
      "通过",
      "通过",
      "不通过",
    ]);
  });
});
