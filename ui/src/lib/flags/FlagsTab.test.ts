import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import type { StoredFlag } from "$lib/ipc/types";
import { ipcError, noteRequired, review, storedFlag } from "$lib/testing/fixtures";
import ReviewScreen from "$lib/review/ReviewScreen.svelte";
import { freshPage } from "$lib/testing/page";

const flags: StoredFlag[] = [
  storedFlag(),
  storedFlag({ id: 2, nomination_id: 13, university: "江北师范大学", display_name: "“红色宿舍”网格化党员服务", kind: "duplicate", message_zh: "重复推荐", message_en: "Duplicate" }),
  storedFlag({ id: 3, kind: "mystery_kind", status: "excluded", note: "材料不全" }),
];

let ipc: MockedCommands;

function mockWithSettle(settle: (args: Record<string, unknown>) => unknown) {
  ipc = mockCommands({ open_review: () => review, list_flags: () => flags, settle_flag: settle });
}

async function openFlags() {
  render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
  const tab = await screen.findByTestId("tab-flags");
  await waitFor(() => expect(tab.textContent).toContain("待核实事项（2）"));
  await fireEvent.click(tab);
}

beforeEach(() => {
  freshPage();
});
afterEach(clearCommandMocks);

describe("the flags tab", () => {
  it("lists open flags by default and all flags on request, with human labels", async () => {
    mockWithSettle(() => null);
    await openFlags();
    let rows = screen.getAllByTestId("flag-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain("支部成立不满三年");
    expect(rows[0]!.textContent).toContain("待处理");
    expect(rows[1]!.textContent).toContain("重复推荐");

    await fireEvent.change(screen.getByTestId("flags-filter"), { target: { value: "all" } });
    rows = screen.getAllByTestId("flag-row");
    expect(rows).toHaveLength(3);
    expect(rows[2]!.textContent).toContain("mystery_kind");
    expect(rows[2]!.textContent).toContain("已排除");
    expect(rows[2]!.textContent).toContain("材料不全");
    expect(within(rows[2]!).queryByTestId("flag-accept")).toBeNull();
  });

  it("shows the core's error when keeping without a note", async () => {
    mockWithSettle(() => {
      throw noteRequired;
    });
    await openFlags();
    await fireEvent.click(within(screen.getAllByTestId("flag-row")[0]!).getByTestId("flag-accept"));
    await fireEvent.click(screen.getByTestId("flag-confirm"));
    const error = await screen.findByTestId("flag-note-error");
    expect(error.textContent).toContain("保留时必须填写理由");
    expect(ipc.callsOf("settle_flag")[0]?.args).toEqual({ reviewId: review.id, flagId: 1, decision: "accepted", note: "" });
    expect(screen.getAllByTestId("flag-row")[0]!.dataset.status).toBe("open");
  });

  it("keeps a flag with a note and shows the settled row", async () => {
    mockWithSettle((args) => storedFlag({ status: "accepted", note: String(args.note) }));
    await openFlags();
    await fireEvent.click(within(screen.getAllByTestId("flag-row")[0]!).getByTestId("flag-accept"));
    await fireEvent.input(screen.getByTestId("flag-note-input"), { target: { value: "经核实支部成立已满三年" } });
    await fireEvent.click(screen.getByTestId("flag-confirm"));

    await waitFor(() => expect(screen.getAllByTestId("flag-row")[0]!.dataset.status).toBe("accepted"));
    expect(ipc.callsOf("settle_flag")[0]?.args).toEqual({
      reviewId: review.id,
      flagId: 1,
      decision: "accepted",
      note: "经核实支部成立已满三年",
    });
    const row = screen.getAllByTestId("flag-row")[0]!;
    expect(within(row).getByTestId("flag-status").textContent?.trim()).toBe("已保留");
    expect(within(row).getByTestId("flag-note").textContent).toBe("经核实支部成立已满三年");
    expect(screen.queryByTestId("flag-editor")).toBeNull();
    expect(screen.getByTestId("tab-flags").textContent).toContain("待核实事项（1）");
  });

  it("warns before excluding", async () => {
    mockWithSettle(() => storedFlag({ id: 2, status: "excluded" }));
    await openFlags();
    await fireEvent.click(within(screen.getAllByTestId("flag-row")[1]!).getByTestId("flag-exclude"));
    expect(screen.getByTestId("flag-exclude-warning").textContent).toContain("排除后该推荐对象不参加评审");
    expect(ipc.callsOf("settle_flag")).toHaveLength(0);
    await fireEvent.click(screen.getByTestId("flag-confirm"));
    await waitFor(() => expect(ipc.callsOf("settle_flag")[0]?.args).toMatchObject({ flagId: 2, decision: "excluded", note: "" }));
  });
});

describe("filtering flags and settling a selection", () => {
  const many: StoredFlag[] = [
    storedFlag({ id: 1, university: "东川理工大学", kind: "duplicate", display_name: "欧阳䶮" }),
    storedFlag({ id: 2, university: "江北师范大学", kind: "duplicate", display_name: "司马懿" }),
    storedFlag({ id: 3, university: "江北师范大学", kind: "part_time_student", display_name: "诸葛亮" }),
    storedFlag({ id: 4, university: "东川理工大学", kind: "duplicate", status: "accepted", note: "已核实" }),
  ];

  function mockBatch(settle: (args: Record<string, unknown>) => unknown) {
    ipc = mockCommands({ open_review: () => review, list_flags: () => many, settle_flags: settle });
  }

  async function openMany() {
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    const tab = await screen.findByTestId("tab-flags");
    await waitFor(() => expect(tab.textContent).toContain("待核实事项（3）"));
    await fireEvent.click(tab);
  }

  const shownIds = () => screen.getAllByTestId("flag-row").map((r) => Number(r.dataset.flagId));

  it("narrows the list by kind, university and status", async () => {
    mockBatch(() => []);
    await openMany();
    expect(shownIds()).toEqual([1, 2, 3]);
    const kinds = screen.getByTestId("flags-kind") as HTMLSelectElement;
    expect([...kinds.options].map((o) => o.textContent?.trim())).toEqual(["全部类型", "重复推荐", "非全日制"]);
    await fireEvent.change(kinds, { target: { value: "duplicate" } });
    expect(shownIds()).toEqual([1, 2]);
    await fireEvent.change(screen.getByTestId("flags-university"), { target: { value: "江北师范大学" } });
    expect(shownIds()).toEqual([2]);
    expect(screen.getByTestId("flags-shown").textContent).toContain("当前显示 1 条");
    await fireEvent.change(screen.getByTestId("flags-university"), { target: { value: "" } });
    await fireEvent.change(screen.getByTestId("flags-filter"), { target: { value: "settled" } });
    expect(shownIds()).toEqual([4]);
    expect(screen.queryAllByTestId("flag-select")).toHaveLength(0);
  });

  it("settles the chosen flags with one note in one call", async () => {
    mockBatch((args) =>
      (args.flagIds as number[]).map((id) => ({ ...many.find((f) => f.id === id)!, status: "accepted", note: String(args.note) })),
    );
    await openMany();
    expect(screen.queryByTestId("flags-bulk")).toBeNull();
    const boxes = screen.getAllByTestId("flag-select");
    expect(boxes[0]!.getAttribute("aria-label")).toBe("选择：欧阳䶮（重复推荐）");
    await fireEvent.click(boxes[0]!);
    await fireEvent.click(boxes[2]!);
    expect(screen.getByTestId("flags-selected").textContent).toContain("已选 2 条");
    await fireEvent.click(screen.getByTestId("flags-bulk-accept"));
    await fireEvent.input(screen.getByTestId("flags-bulk-note"), { target: { value: "经核实均符合条件" } });
    await fireEvent.click(screen.getByTestId("flags-bulk-confirm"));

    await waitFor(() => expect(ipc.callsOf("settle_flags")).toHaveLength(1));
    expect(ipc.callsOf("settle_flags")[0]?.args).toEqual({
      reviewId: review.id,
      flagIds: [1, 3],
      decision: "accepted",
      note: "经核实均符合条件",
    });
    await waitFor(() => expect(screen.getByTestId("tab-flags").textContent).toContain("待核实事项（1）"));
    const statuses = screen.getAllByTestId("flag-row").map((r) => r.dataset.status);
    expect(statuses).toEqual(["accepted", "open", "accepted"]);
    expect(screen.getByTestId("flags-bulk-done").textContent).toContain("已处理 2 条待核实事项");
    expect(screen.queryByTestId("flags-bulk-editor")).toBeNull();
    expect(ipc.callsOf("settle_flag")).toHaveLength(0);
  });

  it("selects every open flag shown, and only those", async () => {
    mockBatch((args) => (args.flagIds as number[]).map((id) => ({ ...many.find((f) => f.id === id)!, status: "excluded" })));
    await openMany();
    await fireEvent.change(screen.getByTestId("flags-kind"), { target: { value: "duplicate" } });
    await fireEvent.change(screen.getByTestId("flags-filter"), { target: { value: "all" } });
    await fireEvent.click(screen.getByTestId("flags-select-all"));
    expect(screen.getByTestId("flags-selected").textContent).toContain("已选 2 条");
    await fireEvent.click(screen.getByTestId("flags-bulk-exclude"));
    expect(screen.getByTestId("flags-bulk-warning").textContent).toContain("所选 2 个推荐对象");
    await fireEvent.click(screen.getByTestId("flags-bulk-confirm"));
    await waitFor(() => expect(ipc.callsOf("settle_flags")[0]?.args).toMatchObject({ flagIds: [1, 2], decision: "excluded", note: "" }));
  });

  it("shows the core's refusal of a batch and changes nothing", async () => {
    mockBatch(() => {
      throw ipcError(
        "flag_already_settled",
        "第 3 号标记（江北师范大学 诸葛亮）已经处理（已排除），本批标记均未处理：请去掉它后重新提交",
        "Flag 3 is already settled",
      );
    });
    await openMany();
    await fireEvent.click(screen.getByTestId("flags-select-all"));
    await fireEvent.click(screen.getByTestId("flags-bulk-accept"));
    await fireEvent.input(screen.getByTestId("flags-bulk-note"), { target: { value: "一并保留" } });
    await fireEvent.click(screen.getByTestId("flags-bulk-confirm"));
    const error = await screen.findByTestId("flags-bulk-error");
    expect(error.textContent).toContain("第 3 号标记（江北师范大学 诸葛亮）已经处理");
    expect(screen.getAllByTestId("flag-row").every((r) => r.dataset.status === "open")).toBe(true);
    expect(screen.getByTestId("tab-flags").textContent).toContain("待核实事项（3）");
  });
});

describe("a long list of flags", () => {
  const thousands: StoredFlag[] = Array.from({ length: 3_000 }, (_, i) =>
    storedFlag({ id: i + 1, nomination_id: i + 1, display_name: `推荐对象 ${i + 1}`, university: i % 2 ? "江北师范大学" : "东川理工大学" }),
  );

  async function openThousands(settle: (args: Record<string, unknown>) => unknown = () => null) {
    ipc = mockCommands({ open_review: () => review, list_flags: () => thousands, settle_flag: settle });
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    const tab = await screen.findByTestId("tab-flags");
    await waitFor(() => expect(tab.textContent).toContain("待核实事项（3000）"));
    await fireEvent.click(tab);
  }

  it("renders only the rows in view, and counts them all", async () => {
    await openThousands();
    const rows = screen.getAllByTestId("flag-row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(screen.getByTestId("flags-shown").textContent).toContain("当前显示 3000 条");
    expect(screen.getByTestId("flag-list").querySelector("table")!.getAttribute("aria-rowcount")).toBe("3001");
    // Select-all still means every open flag shown, rendered or not.
    await fireEvent.click(screen.getByTestId("flags-select-all"));
    expect(screen.getByTestId("flags-selected").textContent).toContain("已选 3000 条");
  });

  it("sizes the columns from every flag, not the rows in view", async () => {
    await openThousands();
    const widths = [...screen.getByTestId("flag-list").querySelectorAll("th")].map((th) => th.style.width);
    // 推荐对象 3000 (the longest, far below the window): 4 + 5 × 0.62em, the padding's 1.75em and 0.5em for bold type.
    expect(widths[2]).toBe("9.4rem");
    expect(widths[4]).toBe("");
  });

  it("keeps or excludes in a dialog, then gives focus back to the row", async () => {
    await openThousands((args) => storedFlag({ id: 2, nomination_id: 2, status: "accepted", note: String(args.note) }));
    const row = screen.getAllByTestId("flag-row")[1]!;
    await fireEvent.click(within(row).getByTestId("flag-accept"));
    const dialog = screen.getByTestId("flag-editor");
    expect(dialog.getAttribute("role")).toBe("dialog");
    expect(dialog.textContent).toContain("保留：推荐对象 2（支部成立不满三年）");
    await fireEvent.input(screen.getByTestId("flag-note-input"), { target: { value: "已核实" } });
    await fireEvent.click(screen.getByTestId("flag-confirm"));
    await waitFor(() => expect(screen.queryByTestId("flag-editor")).toBeNull());
    const settled = screen.getAllByTestId("flag-row")[1]!;
    expect(settled.dataset.status).toBe("accepted");
    await waitFor(() => expect(document.activeElement).toBe(settled));

    // Escape cancels and returns to the button that opened it.
    const next = screen.getAllByTestId("flag-row")[2]!;
    await fireEvent.click(within(next).getByTestId("flag-exclude"));
    await fireEvent.keyDown(screen.getByTestId("flag-editor"), { key: "Escape" });
    await waitFor(() => expect(document.activeElement).toBe(within(next).getByTestId("flag-exclude")));
  });
});
