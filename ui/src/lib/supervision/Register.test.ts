import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseOpenFiles, chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import { appInfoFixture, ipcError, reviewList } from "$lib/testing/fixtures";
import { awardedUnit, registerViewFixture } from "$lib/testing/supervisionFixtures";
import App from "../../App.svelte";
import RegisterTab from "./RegisterTab.svelte";
import SupervisionScreen from "./SupervisionScreen.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

const alreadyRevoked = ipcError("bad_input", "单位 AU-0a1b2c3d4e 的状态已是“已撤销”", "unit AU-0a1b2c3d4e is already revoked");

let ipc: MockedCommands;

function mock(overrides: Record<string, CommandHandler> = {}) {
  ipc = mockCommands({
    register_view: () => registerViewFixture({ due_mid_term: 4, due_acceptance: 2 }),
    register_set_status: () => awardedUnit({ status: "revoked", status_zh: "已撤销" }),
    register_export: () => 3,
    register_import: () => ({ units_added: 2, units_same: 5, checks_added: 1, checks_same: 0 }),
    ...overrides,
  });
}

beforeEach(() => {
  freshPage();
  mock();
});
afterEach(clearCommandMocks);

const rows = () => screen.getAllByTestId("register-row");
const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

describe("the register", () => {
  it("is reached from the home screen and goes back", async () => {
    mock({ app_info: () => appInfoFixture, list_reviews: () => reviewList([]), list_panels: () => [] });
    render(App);
    await fireEvent.click(await screen.findByTestId("open-supervision"));
    expect((await screen.findByTestId("supervision-title")).textContent).toBe("督导：获评单位台账");
    await screen.findAllByTestId("register-row");
    await fireEvent.click(screen.getByTestId("back-home"));
    expect(await screen.findByTestId("open-supervision")).toBeTruthy();
  });

  it("lists the core's units, marks those due now, and shows the core's counters", async () => {
    render(RegisterTab);
    await screen.findAllByTestId("register-row");
    expect(ipc.callsOf("register_view")[0]?.args).toEqual({ asOf: null });

    expect(rows().map((r) => r.dataset.unitId)).toEqual(["AU-0a1b2c3d4e", "AU-1111111111", "AU-2222222222"]);
    expect(rows().map((r) => r.classList.contains("due-now"))).toEqual([true, true, false]);
    const cells = [...rows()[1]!.querySelectorAll("td")].map((c) => c.textContent?.trim());
    // The readable number, with the stable key in its tooltip; a unit is labelled as one.
    expect(rows()[1]!.querySelector("td")?.getAttribute("title")).toBe("AU-1111111111");
    expect(cells.slice(0, 10)).toEqual([
      "2022-标杆院系-001",
      "全国党建工作标杆院系",
      "东川理工大学马克思主义学院 单位",
      "东川理工大学",
      "标杆院系",
      "2022",
      "2022-11–2024-11",
      "限期整改",
      "验收 2024-11（整改复核） 已到期",
      "2024-05-10",
    ]);
    expect(within(rows()[2]!).getByTestId("register-due").textContent?.trim()).toBe("中期考核 2025-11");

    // The counters are the core's numbers, not a count of the rows.
    expect(screen.getByTestId("due-mid-term").textContent).toBe("到期中期考核 4 个");
    expect(screen.getByTestId("due-acceptance").textContent).toBe("到期验收 2 个");
    expect(screen.getByTestId("register-as-of-shown").textContent).toBe("截至 2024-11");

    setLang("en");
    await Promise.resolve();
    expect(screen.getByTestId("due-mid-term").textContent).toBe("Due for mid-term review: 4");
    expect(within(rows()[1]!).getByTestId("register-status").textContent).toBe("Rectifying");
  });

  it("asks again for the month chosen, filters what it shows, and opens a unit's history", async () => {
    render(RegisterTab);
    await screen.findAllByTestId("register-row");
    const month = screen.getByTestId("register-as-of") as HTMLInputElement;
    await fireEvent.input(month, { target: { value: "2025-12" } });
    await fireEvent.change(month);
    await waitFor(() => expect(ipc.callsOf("register_view")).toHaveLength(2));
    expect(ipc.callsOf("register_view")[1]?.args).toEqual({ asOf: "2025-12" });

    await fireEvent.change(screen.getByTestId("register-filter-status"), { target: { value: "rectifying" } });
    expect(rows().map((r) => r.dataset.unitId)).toEqual(["AU-1111111111"]);
    expect(screen.getByTestId("register-count").textContent).toBe("显示 1 / 3 个单位");

    const toggle = within(rows()[0]!).getByTestId("history-toggle");
    expect(toggle.textContent).toContain("历史（2）");
    await fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    const events = within(screen.getByTestId("unit-history")).getAllByTestId("unit-event");
    expect([...events[1]!.querySelectorAll("td")].map((c) => c.textContent?.trim())).toEqual([
      "2024-05-10",
      "验收",
      "未通过",
      "不合格",
      "限期整改",
      "—",
      "2024-benchmark_department-7c7c7c7c",
    ]);

    await fireEvent.change(screen.getByTestId("register-filter-status"), { target: { value: "" } });
    await fireEvent.change(screen.getByTestId("register-filter-activity"), { target: { value: "model_university" } });
    expect(rows().map((r) => r.dataset.unitId)).toEqual(["AU-0a1b2c3d4e", "AU-2222222222"]);
  });

  it("changes a status only with a reason, and asks again before revoking", async () => {
    render(SupervisionScreen, { onback: vi.fn(), onopenreview: vi.fn() });
    await screen.findAllByTestId("register-row");
    await fireEvent.click(within(rows()[0]!).getByTestId("status-open"));
    const dialog = await screen.findByTestId("status-dialog");
    expect(dialog.textContent).toContain("更改状态：江北师范大学");
    expect(dialog.textContent).toContain("当前状态：培育建设中");
    expect(button("status-confirm").disabled).toBe(true);

    await fireEvent.change(screen.getByTestId("status-select"), { target: { value: "accepted" } });
    expect(button("status-confirm").disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("status-reason"), { target: { value: "   " } });
    expect(button("status-confirm").disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("status-reason"), { target: { value: "督导组 2024 年 11 月检查意见" } });
    expect(button("status-confirm").disabled).toBe(false);

    // Revoking needs one more, explicit confirmation.
    await fireEvent.change(screen.getByTestId("status-select"), { target: { value: "revoked" } });
    expect(screen.getByTestId("status-revoke-warning").textContent).toContain("实际上无法恢复");
    expect(button("status-confirm").disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("status-revoke-confirm"));
    expect(button("status-confirm").disabled).toBe(false);

    await fireEvent.click(button("status-confirm"));
    await waitFor(() => expect(screen.queryByTestId("status-dialog")).toBeNull());
    expect(ipc.callsOf("register_set_status")[0]?.args).toEqual({
      unitId: "AU-0a1b2c3d4e",
      status: "revoked",
      reason: "督导组 2024 年 11 月检查意见",
    });
    // The register is read again: the core decides what follows from the change.
    await waitFor(() => expect(ipc.callsOf("register_view")).toHaveLength(2));
  });

  it("shows a refused status change in the dialog and keeps it open", async () => {
    mock({
      register_set_status: () => {
        throw alreadyRevoked;
      },
    });
    render(RegisterTab);
    await screen.findAllByTestId("register-row");
    await fireEvent.click(within(rows()[0]!).getByTestId("status-open"));
    await fireEvent.change(await screen.findByTestId("status-select"), { target: { value: "building" } });
    await fireEvent.input(screen.getByTestId("status-reason"), { target: { value: "复核" } });
    await fireEvent.click(button("status-confirm"));
    expect((await screen.findByTestId("status-error")).textContent).toContain("已是“已撤销”");
    expect(screen.getByTestId("status-dialog")).toBeTruthy();
    expect(ipc.callsOf("register_view")).toHaveLength(1);
  });

  it("exports the register where chosen and imports a workbook, saying what it added", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-register", name: "登记册.xlsx" });
    vi.mocked(chooseOpenFiles).mockResolvedValue([{ handle: "open-register", name: "登记册.xlsx" }]);
    render(RegisterTab);
    await screen.findAllByTestId("register-row");

    await fireEvent.click(button("register-export"));
    const exported = await screen.findByTestId("register-exchange-notice");
    expect(exported.textContent).toContain("已导出 3 个单位，保存为 登记册.xlsx");
    expect(ipc.callsOf("register_export")[0]?.args).toEqual({ destination: "save-register" });
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0]).toMatchObject({ extensions: ["xlsx"] });

    await fireEvent.click(button("register-import"));
    await waitFor(() => expect(ipc.callsOf("register_import")).toHaveLength(1));
    expect(ipc.callsOf("register_import")[0]?.args).toEqual({ workbook: "open-register" });
    expect(vi.mocked(chooseOpenFiles).mock.calls[0]?.[0]).toMatchObject({ extensions: ["xlsx"], multiple: false });
    await waitFor(() =>
      expect(screen.getByTestId("register-exchange-notice").textContent).toContain(
        "导入完成：新增单位 2 个，已有且相同 5 个；新增抽查记录 1 条，已有且相同 0 条。",
      ),
    );
    await waitFor(() => expect(ipc.callsOf("register_view")).toHaveLength(2));
  });
});

describe("a long register", () => {
  const units = Array.from({ length: 5_000 }, (_, i) =>
    awardedUnit({ id: `AU-${String(i).padStart(10, "0")}`, name: `获评单位 ${i + 1}`, due_now: i % 7 === 0 }),
  );

  it("renders only the units in view, and keeps each unit's marks", async () => {
    mock({ register_view: () => registerViewFixture({ units }) });
    render(RegisterTab);
    await screen.findAllByTestId("register-row");
    expect(rows().length).toBeLessThan(40);
    expect(rows()[0]!.dataset.unitId).toBe("AU-0000000000");
    expect(rows()[0]!.classList.contains("due-now")).toBe(true);
    expect(rows()[1]!.classList.contains("due-now")).toBe(false);
    expect(screen.getByTestId("register-table").querySelector("table")!.getAttribute("aria-rowcount")).toBe("5001");
  });

  it("opens a unit's history in a dialog and gives focus back to its button", async () => {
    render(RegisterTab);
    await screen.findAllByTestId("register-row");
    const toggle = within(rows()[1]!).getByTestId("history-toggle");
    await fireEvent.click(toggle);
    const dialog = screen.getByTestId("history-dialog");
    expect(dialog.getAttribute("role")).toBe("dialog");
    expect(dialog.textContent).toContain("东川理工大学马克思主义学院的历史记录");
    expect(within(dialog).getAllByTestId("unit-event")).toHaveLength(2);
    await fireEvent.click(screen.getByTestId("history-close"));
    await waitFor(() => expect(screen.queryByTestId("history-dialog")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(within(rows()[1]!).getByTestId("history-toggle")));
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
  });
});

describe("a register of individuals", () => {
  it("leaves out the build period, next review and last check, which individuals do not have", async () => {
    mock({
      register_view: () =>
        registerViewFixture({
          units: [
            awardedUnit({
              id: "AU-3333333333",
              number: "2026-党员标兵-001",
              awardee: "person",
              name: "钱七",
              build_start: null,
              build_end: null,
              due: null,
              due_now: false,
              last_checked: null,
            }),
          ],
          due_mid_term: 0,
          due_acceptance: 0,
        }),
    });
    render(RegisterTab);
    const [row] = await screen.findAllByTestId("register-row");
    const headings = [...screen.getByTestId("register-table").querySelectorAll("th")].map((th) => th.textContent?.trim());
    expect(headings).not.toContain("建设周期");
    expect(headings).not.toContain("下次考核");
    expect(row!.querySelectorAll("td")).toHaveLength(headings.length);
    expect(within(row!).getByTestId("register-awardee").textContent).toBe("个人");
    expect(within(row!).getByTestId("register-number").textContent).toBe("2026-党员标兵-001");
  });
});
