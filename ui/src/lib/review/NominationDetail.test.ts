import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { Correction, Nomination, ReviewOutline, StoredFlag } from "$lib/ipc/types";
import { ipcError, nominations as nominationsFixture, review as reviewFixture } from "$lib/testing/fixtures";
import { pageOf } from "$lib/testing/nominationPages";
import ReviewScreen from "./ReviewScreen.svelte";
import { freshPage } from "$lib/testing/page";

/** What the "core" holds: the review, its flags and corrections are read from it after a change. */
let review: ReviewOutline;
let nominations: Nomination[];
let flags: StoredFlag[];
let corrections: Correction[];
let ipc: MockedCommands;

const reasonRequired = ipcError("reason_required", "更正或撤回推荐对象时必须写明理由", "A reason is required to correct or withdraw a nomination");
const badValue = ipcError("bad_input", "申报层级：不在可选项之中", "Level: not one of the allowed values");

function mock(overrides: Record<string, CommandHandler> = {}) {
  review = structuredClone(reviewFixture);
  nominations = structuredClone(nominationsFixture);
  flags = [];
  corrections = [];
  ipc = mockCommands({
    open_review: () => structuredClone(review),
    nomination_page: (args) => structuredClone(pageOf(nominations, args)),
    follow_up_stage: () => null,
    list_flags: () => structuredClone(flags),
    list_corrections: () => structuredClone(corrections),
    correct_nomination: (args) => {
      if (String(args.reason).trim() === "") throw reasonRequired;
      const n = nominations.find((x) => x.id === args.nominationId)!;
      const f = n.fields.find((x) => x.key === args.fieldKey)!;
      corrections.push({
        id: corrections.length + 1,
        nomination_id: n.id,
        field_key: f.key,
        field_zh: f.label_zh,
        field_en: f.label_en,
        old_value: f.value,
        new_value: String(args.value),
        reason: String(args.reason),
        corrected_at: "2026-04-12T02:10:00Z",
        corrected_by: "clerk",
      });
      f.value = String(args.value);
      if (f.key === "case_name") n.display_name = f.value;
      return structuredClone(review);
    },
    withdraw_nomination: (args) => {
      const n = nominations.find((x) => x.id === args.nominationId)!;
      flags.push({
        id: 9,
        nomination_id: n.id,
        university: n.university,
        display_name: n.display_name,
        kind: "withdrawn",
        message_zh: "已撤回（2026-04-12T02:10:00Z，clerk）",
        message_en: "Withdrawn (2026-04-12T02:10:00Z, clerk)",
        status: "excluded",
        note: String(args.reason),
      });
      return structuredClone(review);
    },
    ...overrides,
  });
}

beforeEach(() => {
  freshPage();
  mock();
});
afterEach(clearCommandMocks);

const row = (id: number) => screen.getAllByTestId("nomination-row").find((r) => r.dataset.nominationId === String(id))!;

async function openNomination(id: number) {
  render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
  await screen.findByTestId("review-title");
  await fireEvent.click(screen.getByTestId("tab-nominations"));
  await waitFor(() => expect(screen.getAllByTestId("nomination-row").length).toBeGreaterThan(0));
  await fireEvent.click(row(id));
  return screen.getByTestId("nomination-detail");
}

describe("correcting a nomination's field", () => {
  it("sends the field, value and reason, then shows the corrected value in the refreshed list", async () => {
    const detail = await openNomination(12);
    await fireEvent.click(within(detail).getByTestId("correct-open"));
    const dialog = await screen.findByTestId("correct-dialog");
    const confirm = within(dialog).getByTestId("correct-confirm") as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);

    await fireEvent.change(within(dialog).getByTestId("correct-field"), { target: { value: "case_name" } });
    expect(within(dialog).getByTestId("correct-current").textContent).toContain("实验室里的党小组");
    await fireEvent.input(within(dialog).getByTestId("correct-value"), { target: { value: "实验室里的党小组（更正）" } });
    // No reason, no correction.
    expect(confirm.disabled).toBe(true);
    await fireEvent.input(within(dialog).getByTestId("correct-reason"), { target: { value: "  来函更正名称 " } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);

    await waitFor(() => expect(screen.queryByTestId("correct-dialog")).toBeNull());
    expect(ipc.callsOf("correct_nomination")[0]?.args).toEqual({
      reviewId: review.id,
      nominationId: 12,
      fieldKey: "case_name",
      value: "实验室里的党小组（更正）",
      reason: "来函更正名称",
    });
    await waitFor(() => expect(row(12).textContent).toContain("实验室里的党小组（更正）"));
    expect((await within(row(12)).findByTestId("nomination-corrected")).textContent).toBe("已更正");
    expect(ipc.callsOf("list_corrections")).toHaveLength(2);
    const entry = within(screen.getByTestId("nomination-detail")).getByTestId("correction-entry");
    expect(entry.textContent).toContain("案例名称：“实验室里的党小组”更正为“实验室里的党小组（更正）”，理由：来函更正名称");
  });

  it("shows the core's refusal in the dialog and changes nothing", async () => {
    mock({
      correct_nomination: () => {
        throw badValue;
      },
    });
    const detail = await openNomination(12);
    await fireEvent.click(within(detail).getByTestId("correct-open"));
    const dialog = await screen.findByTestId("correct-dialog");
    await fireEvent.change(within(dialog).getByTestId("correct-field"), { target: { value: "case_level" } });
    await fireEvent.input(within(dialog).getByTestId("correct-value"), { target: { value: "国家级" } });
    await fireEvent.input(within(dialog).getByTestId("correct-reason"), { target: { value: "来函" } });
    await fireEvent.click(within(dialog).getByTestId("correct-confirm"));

    const error = await within(dialog).findByTestId("correct-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("申报层级：不在可选项之中");
    expect(error.textContent).toContain("bad_input");
    expect((within(dialog).getByTestId("correct-value") as HTMLInputElement).getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("correct-dialog")).toBeTruthy();
    expect(ipc.callsOf("open_review")).toHaveLength(1);
    expect(within(row(12)).queryByTestId("nomination-corrected")).toBeNull();

    setLang("en");
    await waitFor(() => expect(error.textContent).toContain("Level: not one of the allowed values"));
  });
});

describe("withdrawing a nomination", () => {
  it("needs a reason, then marks the row withdrawn with the reason", async () => {
    const detail = await openNomination(13);
    await fireEvent.click(within(detail).getByTestId("withdraw-open"));
    const dialog = await screen.findByTestId("withdraw-dialog");
    const reason = within(dialog).getByTestId("withdraw-reason") as HTMLTextAreaElement;
    const confirm = within(dialog).getByTestId("withdraw-confirm") as HTMLButtonElement;
    expect(document.activeElement).toBe(reason);
    expect(confirm.disabled).toBe(true);
    await fireEvent.input(reason, { target: { value: "   " } });
    expect(confirm.disabled).toBe(true);
    await fireEvent.submit(reason.form!);
    expect(ipc.callsOf("withdraw_nomination")).toHaveLength(0);

    await fireEvent.input(reason, { target: { value: "推荐单位来函撤回" } });
    await fireEvent.click(confirm);
    await waitFor(() => expect(screen.queryByTestId("withdraw-dialog")).toBeNull());
    expect(ipc.callsOf("withdraw_nomination")[0]?.args).toEqual({ reviewId: review.id, nominationId: 13, reason: "推荐单位来函撤回" });
    await waitFor(() => expect(within(row(13)).getByTestId("nomination-withdrawn").textContent).toBe("已撤回"));
    expect(ipc.callsOf("list_flags")).toHaveLength(2);
    const after = screen.getByTestId("nomination-detail");
    expect(within(after).getByTestId("nomination-withdrawal").textContent).toContain("推荐单位来函撤回");
    expect(within(after).queryByTestId("withdraw-open")).toBeNull();
  });

  it("shows the core's refusal in the dialog", async () => {
    mock({
      withdraw_nomination: () => {
        throw { code: "already_withdrawn", message_zh: "第 13 号推荐对象已经撤回", message_en: "Nomination 13 is already withdrawn" };
      },
    });
    const detail = await openNomination(13);
    await fireEvent.click(within(detail).getByTestId("withdraw-open"));
    const dialog = await screen.findByTestId("withdraw-dialog");
    await fireEvent.input(within(dialog).getByTestId("withdraw-reason"), { target: { value: "来函" } });
    await fireEvent.click(within(dialog).getByTestId("withdraw-confirm"));
    const error = await within(dialog).findByTestId("withdraw-error");
    expect(error.textContent).toContain("第 13 号推荐对象已经撤回");
    expect(within(row(13)).queryByTestId("nomination-withdrawn")).toBeNull();
  });
});
