import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import type { PanelScope } from "$lib/ipc/types";
import { CLERK_FINGERPRINT, packageSummary, PANEL_HASH, review, storedFlag } from "$lib/testing/fixtures";
import { currentError } from "$lib/ui/errors.svelte";
import { localDateAfter } from "$lib/ui/format";
import ReviewScreen from "./ReviewScreen.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

let ipc: MockedCommands;

beforeEach(() => {
  freshPage({ clerkUnlocked: true });
  vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-package", name: "样板支部.pdpanel" });
  ipc = mockCommands({ open_review: () => review, list_flags: () => [], build_panel_package: () => packageSummary() });
});
afterEach(clearCommandMocks);

describe("building a panel package", () => {
  it("asks for the closing day and comment length, then builds and shows what went in", async () => {
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("build-package-open"));
    const closesOn = screen.getByTestId("build-package-closes-on") as HTMLInputElement;
    expect(closesOn.value).toBe(localDateAfter(new Date(), 14));
    expect((screen.getByTestId("build-package-min-comment") as HTMLInputElement).value).toBe("0");

    await fireEvent.input(closesOn, { target: { value: "2026-04-15" } });
    await fireEvent.input(screen.getByTestId("build-package-min-comment"), { target: { value: "20" } });
    await fireEvent.click(screen.getByTestId("build-package-confirm"));

    const summary = await screen.findByTestId("package-summary");
    expect(ipc.callsOf("build_panel_package")[0]?.args).toEqual({
      reviewId: review.id,
      destination: "save-package",
      closesOn: "2026-04-15",
      minCommentChars: 20,
      panel: { name: "", categories: [], experts: [], group: null },
    });
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0]).toMatchObject({
      fileName: "2026年基层党建创新典型案例评审.pdpanel",
      extensions: ["pdpanel"],
    });
    expect(screen.getByTestId("package-fingerprint").textContent).toBe(CLERK_FINGERPRINT);
    expect(summary.textContent).toContain(PANEL_HASH);
    expect(summary.textContent).toContain("推荐对象 3 个 · 专家 2 位 · 材料 6 份");
    expect(summary.textContent).toContain("已排除 1 个推荐对象");
    expect(screen.queryByTestId("build-package-confirm")).toBeNull();
  });

  it("builds nothing when the save dialog is cancelled, or the comment length is not a whole number", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue(null);
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("build-package-open"));
    await fireEvent.click(screen.getByTestId("build-package-confirm"));
    await waitFor(() => expect(vi.mocked(chooseSaveFile)).toHaveBeenCalled());
    expect(ipc.callsOf("build_panel_package")).toHaveLength(0);

    await fireEvent.input(screen.getByTestId("build-package-min-comment"), { target: { value: "2.5" } });
    expect((screen.getByTestId("build-package-confirm") as HTMLButtonElement).disabled).toBe(true);
  });

  it("says how many flags are still open before the package goes out, and still builds", async () => {
    ipc = mockCommands({
      open_review: () => review,
      list_flags: () => [
        storedFlag({ id: 1, status: "open" }),
        storedFlag({ id: 2, status: "accepted" }),
        storedFlag({ id: 3, status: "open" }),
      ],
      build_panel_package: () => packageSummary(),
    });
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("build-package-open"));
    const warning = await screen.findByTestId("build-package-open-flags");
    expect(warning.textContent).toContain("还有 2 条待核实事项未处理");
    await fireEvent.click(screen.getByTestId("build-package-confirm"));
    await screen.findByTestId("package-summary");
    expect(ipc.callsOf("build_panel_package")).toHaveLength(1);
  });

  it("says nothing about flags when none is open", async () => {
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("build-package-open"));
    await waitFor(() => expect(screen.getByTestId("build-package-confirm")).toBeTruthy());
    expect(screen.queryByTestId("build-package-open-flags")).toBeNull();
  });
});

describe("building one panel's package", () => {
  const WHOLE: PanelScope = { name: "", categories: [], experts: [], group: null };

  async function openForm() {
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("build-package-open"));
  }

  function tick(testid: string, attribute: string, value: string | number) {
    const box = screen.getAllByTestId(testid).find((el) => el.getAttribute(attribute) === String(value));
    if (!box) throw new Error(`no ${testid} with ${attribute}=${value}`);
    return fireEvent.click(box);
  }

  async function fillPanel() {
    await fireEvent.click(screen.getByTestId("package-panel-toggle"));
    await fireEvent.input(screen.getByTestId("package-panel-name"), { target: { value: "第一组" } });
    // Ticked out of order on purpose: the scope lists them as the review does.
    await tick("package-panel-expert", "data-expert-id", 2);
    await tick("package-panel-expert", "data-expert-id", 1);
    await tick("package-panel-category", "data-category", "case_branch");
    await fireEvent.input(screen.getByTestId("package-panel-group-index"), { target: { value: "1" } });
    await fireEvent.input(screen.getByTestId("package-panel-group-of"), { target: { value: "2" } });
  }

  it("is for the whole review until the panel part is ticked, which shows every category and expert", async () => {
    await openForm();
    expect(screen.queryByTestId("package-panel-name")).toBeNull();
    const toggle = screen.getByTestId("package-panel-toggle") as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    expect(toggle.closest("label")?.textContent).toContain("分组评审：只为一个评审组生成评审包");

    await fireEvent.click(toggle);
    const categories = screen.getAllByTestId("package-panel-category");
    expect(categories.map((el) => el.dataset.category)).toEqual(["case_university", "case_branch"]);
    expect(categories[0]!.closest("label")?.textContent).toContain("学校党委层面案例");
    const fieldset = categories[0]!.closest("fieldset")!;
    expect(within(fieldset).getByText("评审类别").tagName).toBe("LEGEND");
    expect(fieldset.textContent).toContain("都不勾选即评审全部类别");
    const experts = screen.getAllByTestId("package-panel-expert");
    expect(experts.map((el) => el.dataset.expertId)).toEqual(["1", "2"]);
    expect(experts[1]!.closest("label")?.textContent).toContain("李珺");
    expect(experts[1]!.closest("fieldset")?.textContent).toContain("都不勾选即全部专家");
    expect((screen.getByTestId("package-panel-group-index") as HTMLInputElement).value).toBe("");
    expect((screen.getByTestId("package-panel-group-of") as HTMLInputElement).value).toBe("");
  });

  it("sends the panel's scope as the form shows it, and names the panel in the summary", async () => {
    await openForm();
    await fillPanel();
    await fireEvent.click(screen.getByTestId("build-package-confirm"));

    const summary = await screen.findByTestId("package-summary");
    expect(ipc.callsOf("build_panel_package")[0]?.args.panel).toEqual({
      name: "第一组",
      categories: ["case_branch"],
      experts: [1, 2],
      group: { index: 1, of: 2 },
    });
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0]).toMatchObject({
      fileName: "2026年基层党建创新典型案例评审-第一组.pdpanel",
    });
    expect(within(summary).getByTestId("package-summary-panel").textContent).toBe("第一组");
  });

  it("sends no group when both group numbers are left empty, and refuses only one of them", async () => {
    await openForm();
    await fireEvent.click(screen.getByTestId("package-panel-toggle"));
    await fireEvent.input(screen.getByTestId("package-panel-name"), { target: { value: "第二组" } });
    await fireEvent.input(screen.getByTestId("package-panel-group-of"), { target: { value: "3" } });
    const confirm = screen.getByTestId("build-package-confirm") as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    expect(screen.getByText("请把两项都填为整数，或都留空。")).toBeTruthy();

    await fireEvent.input(screen.getByTestId("package-panel-group-of"), { target: { value: "" } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);
    await screen.findByTestId("package-summary");
    expect(ipc.callsOf("build_panel_package")[0]?.args.panel).toEqual({ name: "第二组", categories: [], experts: [], group: null });
  });

  it("sends the whole review again once the panel part is unticked, whatever was filled in", async () => {
    await openForm();
    await fillPanel();
    await fireEvent.click(screen.getByTestId("package-panel-toggle"));
    expect(screen.queryByTestId("package-panel-name")).toBeNull();
    await fireEvent.click(screen.getByTestId("build-package-confirm"));

    const summary = await screen.findByTestId("package-summary");
    expect(ipc.callsOf("build_panel_package")[0]?.args.panel).toEqual(WHOLE);
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0]).toMatchObject({
      fileName: "2026年基层党建创新典型案例评审.pdpanel",
    });
    expect(within(summary).queryByTestId("package-summary-panel")).toBeNull();

    // Ticked again, the panel comes back as it was left.
    await fireEvent.click(screen.getByTestId("build-package-open"));
    await fireEvent.click(screen.getByTestId("package-panel-toggle"));
    expect((screen.getByTestId("package-panel-name") as HTMLInputElement).value).toBe("第一组");
  });

  it("shows the core's refusal of a panel the usual way", async () => {
    ipc = mockCommands({
      open_review: () => review,
      list_flags: () => [],
      build_panel_package: () => {
        throw { code: "bad_input", message_zh: "评审组“第一组”与“第二组”评审的推荐对象重叠。", message_en: "Panel 第一组 shares nominations with 第二组." };
      },
    });
    await openForm();
    await fillPanel();
    await fireEvent.click(screen.getByTestId("build-package-confirm"));
    await waitFor(() => expect(currentError()?.code).toBe("bad_input"));
    expect(screen.queryByTestId("package-summary")).toBeNull();
    expect(screen.getByTestId("package-panel-name")).toBeTruthy();
  });
});
