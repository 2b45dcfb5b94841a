import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import type { StoredFlag } from "$lib/ipc/types";
import { noteRequired, review, storedFlag } from "$lib/testing/fixtures";
import ReviewScreen from "$lib/review/ReviewScreen.svelte";

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
  await waitFor(() => expect(tab.textContent).toContain("标记（2）"));
  await fireEvent.click(tab);
}

beforeEach(() => {
  localStorage.clear();
  setLang("zh-CN");
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
    expect(screen.getByTestId("tab-flags").textContent).toContain("标记（1）");
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
