import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import type { CategoryRubric, CriterionEdit, IpcError, RubricChange } from "$lib/ipc/types";
import { categories, ipcError } from "$lib/testing/fixtures";
import RubricTab from "./RubricTab.svelte";
import { freshPage } from "$lib/testing/page";

const REVIEW = "2026-innovation_case-test";

let ipc: MockedCommands;
/** What the "core" holds: each edit answers with the category as stored. */
let stored: CategoryRubric[];

function status(sent = 0): CategoryRubric[] {
  return structuredClone(categories).map((category, i) => ({
    category,
    vote_threshold: "more_than_half",
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
  } else if (change.kind === "move") {
    const i = criteria.findIndex((k) => k.key === change.key);
    const [k] = criteria.splice(i, 1);
    criteria.splice(change.to - 1, 0, k!);
  }
  if (unlock) r.sent = [];
  return r;
}

function mock(sent = 0, refusal: IpcError | null = null) {
  stored = status(sent);
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
});
