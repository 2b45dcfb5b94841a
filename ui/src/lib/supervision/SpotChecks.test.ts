import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseSaveFile } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import { activitiesFixture, spotCheckView, verification } from "$lib/testing/supervisionFixtures";
import SpotChecksTab from "./SpotChecksTab.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

let ipc: MockedCommands;

function mock(overrides: Record<string, CommandHandler> = {}) {
  ipc = mockCommands({
    list_activities: () => activitiesFixture,
    list_spot_checks: () => [spotCheckView()],
    draw_spot_check: () => spotCheckView({ id: "SC-2024-002" }),
    verify_spot_check: () => verification(),
    print_spot_check_notice: () => 20480,
    ...overrides,
  });
}

beforeEach(() => {
  freshPage();
  mock();
});
afterEach(clearCommandMocks);

const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

async function showTab() {
  render(SpotChecksTab);
  await screen.findAllByTestId("spot-check");
  // The activity options arrive with the list of activities.
  await waitFor(() => expect(screen.getByTestId("spot-activity").querySelectorAll("option")).toHaveLength(3));
}

describe("spot checks", () => {
  it("sends the parameters and the seed as typed, and no seed when the field is empty", async () => {
    await showTab();
    await fireEvent.input(screen.getByTestId("spot-count"), { target: { value: "3" } });
    await fireEvent.change(screen.getByTestId("spot-strata"), { target: { value: "university" } });
    await fireEvent.change(screen.getByTestId("spot-activity"), { target: { value: "benchmark_department" } });
    await fireEvent.input(screen.getByTestId("spot-exclude"), { target: { value: "6" } });
    await fireEvent.input(screen.getByTestId("spot-seed"), { target: { value: "2024128 05 12 19" } });
    await fireEvent.click(button("spot-draw"));

    await waitFor(() => expect(ipc.callsOf("draw_spot_check")).toHaveLength(1));
    expect(ipc.callsOf("draw_spot_check")[0]?.args).toEqual({
      params: { count: 3, strata: "university", activity: "benchmark_department", exclude_checked_within_months: 6 },
      seed: "2024128 05 12 19",
    });
    expect((await screen.findByTestId("spot-drawn")).textContent).toContain("已抽取 2 个单位（抽查编号 SC-2024-002）");
    // The list is read again, with the new draw in it.
    await waitFor(() => expect(ipc.callsOf("list_spot_checks")).toHaveLength(2));

    await fireEvent.input(screen.getByTestId("spot-seed"), { target: { value: "" } });
    await fireEvent.change(screen.getByTestId("spot-activity"), { target: { value: "" } });
    await fireEvent.input(screen.getByTestId("spot-exclude"), { target: { value: "" } });
    await fireEvent.click(button("spot-draw"));
    await waitFor(() => expect(ipc.callsOf("draw_spot_check")).toHaveLength(2));
    expect(ipc.callsOf("draw_spot_check")[1]?.args).toEqual({
      params: { count: 3, strata: "university", activity: null, exclude_checked_within_months: null },
      seed: null,
    });
  });

  it("shows each recorded draw with its seed, parameters, population and units", async () => {
    await showTab();
    const card = screen.getAllByTestId("spot-check")[0]!;
    expect(card.textContent).toContain("抽查编号 SC-2024-001");
    expect(within(card).getByTestId("spot-drawn-on").textContent).toBe("2024-11-28");
    expect(within(card).getByTestId("spot-check-seed").textContent).toBe("2024128-05-12-19");
    expect(within(card).getByTestId("spot-params").textContent).toBe(
      "抽取 2 个 · 按高校分层 · 全部活动 · 排除近 6 个月内检查过的单位",
    );
    expect(within(card).getByTestId("spot-population").textContent).toBe("3 个单位");
    const hash = within(card).getByTestId("spot-population-hash");
    expect(hash.textContent).toBe("5d41402abc4b…");
    expect(hash.getAttribute("title")).toBe(spotCheckView().check.population_hash);

    const units = within(card).getAllByTestId("spot-unit");
    expect([...units[0]!.querySelectorAll("td")].map((c) => c.textContent?.trim())).toEqual([
      "1",
      "AU-1111111111",
      "东川理工大学马克思主义学院",
      "东川理工大学",
      "全国党建工作标杆院系 / 标杆院系",
      "2022",
      "东川理工大学",
      "0a3f9c1e77b2…",
    ]);
  });

  it("verifies a draw and says plainly whether it holds", async () => {
    await showTab();
    await fireEvent.click(button("spot-verify"));
    const result = await screen.findByTestId("spot-verification");
    expect(ipc.callsOf("verify_spot_check")[0]?.args).toEqual({ id: "SC-2024-001" });
    expect(result.dataset.ok).toBe("true");
    expect(screen.getByTestId("spot-verification-verdict").textContent).toContain("复核通过");
    expect(screen.getByTestId("verify-register").textContent).toContain("与台账比对一致");

    mock({
      verify_spot_check: () =>
        verification({
          ok: false,
          population_intact: false,
          missing_from_record: ["AU-5555555555 (江北师范大学)"],
          not_in_register: ["AU-2222222222"],
        }),
    });
    await fireEvent.click(button("spot-verify"));
    await waitFor(() => expect(screen.getByTestId("spot-verification").dataset.ok).toBe("false"));
    expect(screen.getByTestId("spot-verification-verdict").textContent).toContain("复核未通过");
    expect(screen.getByTestId("verify-population").textContent).toContain("抽样总体与记录的摘要不一致");
    expect(screen.getByTestId("verify-list").textContent).toContain("按种子重新抽取，名单一致");
    expect(screen.getByTestId("verify-missing").textContent).toContain("AU-5555555555 (江北师范大学)");
    expect(screen.getByTestId("verify-not-in-register").textContent).toContain("AU-2222222222");

    setLang("en");
    await Promise.resolve();
    expect(screen.getByTestId("spot-verification-verdict").textContent).toContain("Verification failed");
  });

  it("prints a draw's notice where the supervisor chooses", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue({ handle: "save-notice", name: "抽查通知.pdf" });
    await showTab();
    await fireEvent.click(button("spot-print"));
    const notice = await screen.findByTestId("spot-print-notice");
    expect(notice.textContent).toContain("已保存为 抽查通知.pdf（20.0 KB）");
    expect(ipc.callsOf("print_spot_check_notice")[0]?.args).toEqual({
      id: "SC-2024-001",
      destination: "save-notice",
    });
    expect(vi.mocked(chooseSaveFile).mock.calls[0]?.[0]).toMatchObject({
      fileName: "随机抽查通知SC-2024-001.pdf",
      extensions: ["pdf"],
    });
  });
});
