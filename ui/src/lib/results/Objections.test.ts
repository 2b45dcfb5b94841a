import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { Objection, PublicationStatus } from "$lib/ipc/types";
import { ipcError, reviewResultsFixture } from "$lib/testing/fixtures";
import Objections from "./Objections.svelte";
import { freshPage } from "$lib/testing/page";

const settings = {
  title_kind: "recognise" as const,
  period_from: "2026-12-01",
  period_to: "2026-12-07",
  telephone: "0371-65905123",
  address: "",
  email: "zzc@jyt.example.cn",
  issuer: "中共某省委教育工作委员会",
  issued_on: "2026-11-30",
};

function objection(overrides: Partial<Objection> = {}): Objection {
  return {
    id: 1,
    nomination_id: 11,
    display_name: "“党建+课程思政”双融合育人模式",
    university: "江北师范大学",
    received_on: "2026-12-03",
    channel: "letter",
    objector: "某学院教师",
    summary: "反映案例材料与实际不符，联系电话 138****5678",
    recorded_at: "2026-12-03T02:00:00Z",
    recorded_by: "clerk",
    handling: "",
    outcome: null,
    reason: null,
    resolved_at: null,
    resolved_by: null,
    ...overrides,
  };
}

function during(): PublicationStatus {
  return {
    announcement: { settings, set_at: "2026-11-30T02:00:00Z", set_by: "clerk" },
    suggested_title_kind: "recognise",
    objections: [objection()],
    award_blockers: [
      { kind: "announcement_period_open", period_to: "2026-12-07" },
      {
        kind: "pending_objection",
        objection_id: 1,
        nomination_id: 11,
        display_name: "“党建+课程思政”双融合育人模式",
        university: "江北师范大学",
      },
    ],
  };
}

function notSet(): PublicationStatus {
  return {
    announcement: null,
    suggested_title_kind: "name",
    objections: [],
    award_blockers: [{ kind: "no_announcement" }],
  };
}

let ipc: MockedCommands;

function mock(status: () => PublicationStatus, overrides: Record<string, CommandHandler> = {}) {
  ipc = mockCommands({ publication_status: status, ...overrides });
}

beforeEach(() => {
  freshPage();
});
afterEach(clearCommandMocks);

function show(onresultschanged = vi.fn()) {
  // The fixture's winners: nomination 11 and 12 are in; 14 is tied, 13 unscored.
  const results = reviewResultsFixture();
  results.categories[0]!.nominations[0]!.cut = "in";
  render(Objections, { reviewId: "r1", results, onresultschanged });
  return onresultschanged;
}

describe("the 公示 and its objection ledger", () => {
  it("shows what the core says still holds back certificates, and the ledger", async () => {
    mock(during);
    show();
    const blockers = await screen.findAllByTestId("publicity-blocker");
    expect(blockers.map((b) => b.textContent?.trim())).toEqual([
      "公示期至 2026-12-07，尚未结束",
      "针对“党建+课程思政”双融合育人模式（江北师范大学）的第 1 号异议尚未办结",
    ]);
    const row = screen.getByTestId("objection-row");
    expect(row.dataset.outcome).toBe("pending");
    expect(within(row).getByTestId("objection-summary").textContent).toContain("138****5678");
    expect((screen.getByTestId("publicity-to") as HTMLInputElement).value).toBe("2026-12-07");
  });

  it("starts from the wording the activity calls for and saves what the clerk typed", async () => {
    mock(notSet, { set_announcement: () => during() });
    show();
    const kind = (await screen.findByTestId("publicity-title-kind")) as HTMLSelectElement;
    expect(kind.value).toBe("name");
    expect(screen.getByTestId("publicity-blocker").dataset.kind).toBe("no_announcement");
    await fireEvent.input(screen.getByTestId("publicity-from"), { target: { value: "2026-12-01" } });
    await fireEvent.input(screen.getByTestId("publicity-to"), { target: { value: "2026-12-07" } });
    await fireEvent.input(screen.getByTestId("publicity-telephone"), { target: { value: "0371-65905123" } });
    await fireEvent.input(screen.getByTestId("publicity-issuer"), { target: { value: "中共某省委教育工作委员会" } });
    await fireEvent.input(screen.getByTestId("publicity-issued-on"), { target: { value: "2026-11-30" } });
    await fireEvent.click(screen.getByTestId("publicity-save"));
    await waitFor(() => expect(ipc.callsOf("set_announcement")).toHaveLength(1));
    expect(ipc.callsOf("set_announcement")[0]!.args).toEqual({
      reviewId: "r1",
      settings: {
        title_kind: "name",
        period_from: "2026-12-01",
        period_to: "2026-12-07",
        telephone: "0371-65905123",
        address: "",
        email: "",
        issuer: "中共某省委教育工作委员会",
        issued_on: "2026-11-30",
      },
    });
    await screen.findByTestId("publicity-saved");
  });

  it("shows the core's refusal of the settings where they were typed", async () => {
    const refused = ipcError("bad_input", "公示期结束日期（2026-11-20）早于开始日期（2026-12-01）", "the period ends (2026-11-20) before it starts (2026-12-01)");
    mock(notSet, {
      set_announcement: () => {
        throw refused;
      },
    });
    show();
    await fireEvent.click(await screen.findByTestId("publicity-save"));
    const error = await screen.findByTestId("publicity-settings-error");
    expect(error.textContent).toContain("早于开始日期");
  });

  it("records an objection against a winner only", async () => {
    mock(notSet, { add_objection: () => during() });
    show();
    const nominee = (await screen.findByTestId("objection-nominee")) as HTMLSelectElement;
    const offered = Array.from(nominee.options).map((o) => o.textContent ?? "");
    expect(offered.some((o) => o.includes("实验室里的党小组"))).toBe(true);
    expect(offered.some((o) => o.includes("三全育人"))).toBe(false);
    expect((screen.getByTestId("objection-add-confirm") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.change(nominee, { target: { value: nominee.options[1]!.value } });
    await fireEvent.input(screen.getByTestId("objection-received-on"), { target: { value: "2026-12-03" } });
    await fireEvent.change(screen.getByTestId("objection-channel"), { target: { value: "telephone" } });
    await fireEvent.input(screen.getByTestId("objection-summary-input"), { target: { value: "  反映材料不实  " } });
    await fireEvent.click(screen.getByTestId("objection-add-confirm"));
    await waitFor(() => expect(ipc.callsOf("add_objection")).toHaveLength(1));
    expect(ipc.callsOf("add_objection")[0]!.args).toEqual({
      reviewId: "r1",
      objection: {
        nomination_id: 11,
        received_on: "2026-12-03",
        channel: "telephone",
        objector: "",
        summary: "反映材料不实",
      },
    });
    await screen.findByTestId("objection-row");
  });

  it("resolves an objection as upheld and has the results read again", async () => {
    const resolved = during();
    resolved.objections = [
      objection({ outcome: "upheld", handling: "经核查属实", reason: "材料不实", resolved_at: "x", resolved_by: "clerk" }),
    ];
    resolved.award_blockers = [{ kind: "announcement_period_open", period_to: "2026-12-07" }];
    mock(during, { resolve_objection: () => resolved });
    const changed = show();
    await fireEvent.click(await screen.findByTestId("objection-resolve-open"));
    const confirm = screen.getByTestId("objection-resolve-confirm") as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("objection-upheld"));
    await fireEvent.input(screen.getByTestId("objection-handling"), { target: { value: "经核查属实" } });
    await fireEvent.input(screen.getByTestId("objection-reason"), { target: { value: "材料不实" } });
    await fireEvent.click(confirm);
    await waitFor(() => expect(ipc.callsOf("resolve_objection")).toHaveLength(1));
    expect(ipc.callsOf("resolve_objection")[0]!.args).toEqual({
      reviewId: "r1",
      objectionId: 1,
      resolution: { outcome: "upheld", handling: "经核查属实", reason: "材料不实" },
    });
    await waitFor(() => expect(changed).toHaveBeenCalledOnce());
    expect(screen.getByTestId("objection-row").dataset.outcome).toBe("upheld");
    expect(screen.queryByTestId("objection-resolve")).toBeNull();
  });
});
