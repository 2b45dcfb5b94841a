import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearCommandMocks } from "$lib/ipc/mock";
import { CLERK_FINGERPRINT, EXPERT_FINGERPRINT, PANEL_HASH, enrolment, panelViewFixture, passphraseTooWeak } from "$lib/testing/fixtures";
import { mockPanel, type PanelMock } from "$lib/testing/panelMock";
import ExpertScreen from "./ExpertScreen.svelte";
import { freshPage } from "$lib/testing/page";

let panel: PanelMock;

beforeEach(() => {
  freshPage();
  panel = mockPanel({
    view: panelViewFixture({ enrolment: null }),
    handlers: {
      enrol_expert: (args) => {
        if (String(args.pin) === "password123") throw passphraseTooWeak;
        panel.state.view = panelViewFixture();
        return enrolment;
      },
    },
  });
});
afterEach(clearCommandMocks);

async function openEnrolment() {
  render(ExpertScreen, { hash: PANEL_HASH, onback: vi.fn() });
  return screen.findAllByTestId("enrol-expert-option");
}

async function fillPins(pin: string, repeat: string) {
  await fireEvent.input(screen.getByTestId("enrol-pin"), { target: { value: pin } });
  await fireEvent.input(screen.getByTestId("enrol-pin-repeat"), { target: { value: repeat } });
}

describe("enrolment", () => {
  it("shows the review, the clerk's fingerprint to compare and the roster", async () => {
    const options = await openEnrolment();
    expect(screen.getByTestId("panel-title").textContent).toBe("2026年样板支部评审");
    expect(screen.getByTestId("clerk-fingerprint").textContent).toBe(CLERK_FINGERPRINT);
    expect(screen.getByText(/请与工作人员当场宣读的指纹逐字核对/)).toBeTruthy();
    expect(options.map((o) => o.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "王喆 江北师范大学 教授",
      "李珺 省委党校 研究员",
      "欧阳䶮 南岭大学 —",
    ]);
    const pin = screen.getByTestId("enrol-pin") as HTMLInputElement;
    expect(pin.type).toBe("password");
    expect(pin.minLength).toBe(8);
    expect((screen.getByTestId("enrol-pin-repeat") as HTMLInputElement).type).toBe("password");
    expect(screen.queryByTestId("score-grid")).toBeNull();
    expect(screen.queryByTestId("submit-open")).toBeNull();
  });

  it("refuses different passphrases here, without asking the core", async () => {
    const options = await openEnrolment();
    await fireEvent.click(options[0]!);
    await fillPins("pi river 271828", "pi river 271829");
    await fireEvent.click(screen.getByTestId("enrol-submit"));
    expect(screen.getByTestId("enrol-error").textContent).toContain("两次输入的口令不一致");
    expect(panel.ipc.callsOf("enrol_expert")).toHaveLength(0);
  });

  it("asks to pick oneself first", async () => {
    await openEnrolment();
    await fillPins("pi river 271828", "pi river 271828");
    await fireEvent.click(screen.getByTestId("enrol-submit"));
    expect(screen.getByTestId("enrol-error").textContent).toContain("请先在名单中选择本人");
    expect(panel.ipc.callsOf("enrol_expert")).toHaveLength(0);
  });

  it("shows the core's refusal of a guessable passphrase under the fields", async () => {
    const options = await openEnrolment();
    await fireEvent.click(options[1]!);
    await fillPins("password123", "password123");
    await fireEvent.click(screen.getByTestId("enrol-submit"));
    expect((await screen.findByTestId("enrol-error")).textContent).toContain("口令太容易被猜到");
    expect(panel.ipc.callsOf("enrol_expert")[0]?.args).toEqual({ hash: PANEL_HASH, expertId: 2, pin: "password123" });
    expect(screen.getByTestId("enrol-pin").getAttribute("aria-invalid")).toBe("true");
  });

  it("enrols, then shows the expert's own fingerprint prominently to copy onto the signed confirmation", async () => {
    const options = await openEnrolment();
    await fireEvent.click(options[0]!);
    await fillPins("pi river 271828", "pi river 271828");
    await fireEvent.click(screen.getByTestId("enrol-submit"));

    const fingerprint = await screen.findByTestId("expert-fingerprint");
    expect(fingerprint.textContent).toBe(EXPERT_FINGERPRINT);
    const card = screen.getByTestId("expert-card");
    expect(card.textContent).toContain("请抄写在纸质确认单上，签字后交给工作人员");
    expect(card.textContent).toContain("王喆");
    expect(panel.ipc.callsOf("enrol_expert")[0]?.args).toEqual({ hash: PANEL_HASH, expertId: 1, pin: "pi river 271828" });
    // The entries are read again: the automatic recusal is there now.
    expect(await screen.findByTestId("score-grid")).toBeTruthy();
    await waitFor(() => expect(panel.ipc.callsOf("panel_items").length).toBe(2));

    await fireEvent.click(within(card).getByTestId("fingerprint-written"));
    expect(screen.getByTestId("expert-fingerprint").textContent).toBe(EXPERT_FINGERPRINT);
    expect(screen.queryByTestId("fingerprint-written")).toBeNull();
  });
});
