import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { ExpertStatus, Registration } from "$lib/ipc/types";
import { badFingerprint, EXPERT_FINGERPRINT, expertStatusFixture, ipcError, registration, review, SECOND_EXPERT_FINGERPRINT } from "$lib/testing/fixtures";
import { currentError } from "$lib/ui/errors.svelte";
import ResultsTab from "./ResultsTab.svelte";
import { resultsTabHandlers } from "$lib/testing/resultsMock";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

let ipc: MockedCommands;
/** What the "core" holds: the board and the registrations are read from it after a change. */
let statuses: ExpertStatus[];
let registrations: Registration[];

function mock(overrides: Record<string, CommandHandler> = {}) {
  statuses = expertStatusFixture();
  registrations = [registration()];
  ipc = mockCommands(resultsTabHandlers({
    expert_status: () => structuredClone(statuses),
    expert_keys: () => structuredClone(registrations),
    // As the core does: the fingerprint is read as typed and written back in one form.
    register_expert_key: (args) => {
      const fingerprint = SECOND_EXPERT_FINGERPRINT;
      const row = statuses.find((s) => s.expert_id === args.expertId)!;
      row.registered = fingerprint;
      const added = registration({ expert_id: row.expert_id, expert_name: row.name, fingerprint });
      registrations.push(added);
      return added;
    },
    revoke_expert_key: (args) => {
      const row = statuses.find((s) => s.expert_id === args.expertId)!;
      const fingerprint = row.registered!;
      row.registered = null;
      const held = registrations.find((r) => r.fingerprint === fingerprint)!;
      held.revoked_at = "2026-04-12T02:10:00Z";
      held.revoked_reason = String(args.reason);
      return fingerprint;
    },
    ...overrides,
  }));
}

beforeEach(() => {
  freshPage({ clerkUnlocked: true });
  mock();
});
afterEach(clearCommandMocks);

async function showBoard() {
  render(ResultsTab, { review });
  await screen.findByTestId("status-board");
}

const row = (expertId: number) =>
  screen.getAllByTestId("status-row").find((r) => r.dataset.expertId === String(expertId))!;
const input = () => screen.getByTestId("key-register-fingerprint") as HTMLInputElement;
const registerButton = () => screen.getByTestId("key-register-confirm") as HTMLButtonElement;

describe("registering an expert's key in the meeting room", () => {
  it("takes the fingerprint as typed from the signed confirmation and shows it on the board", async () => {
    await showBoard();
    expect(within(row(2)).getByTestId("status-unregistered").textContent).toBe("未登记");

    await fireEvent.click(within(row(2)).getByTestId("key-register-open"));
    const dialog = await screen.findByTestId("key-register-dialog");
    expect(dialog.textContent).toContain("登记密钥：李珺");
    expect(dialog.textContent).toContain("请核对专家签字确认单上的指纹");
    expect(document.activeElement).toBe(input());
    expect(registerButton().disabled).toBe(true);

    // Lower case, spaces and a full-width dash, as people type: sent as typed, the core reads it.
    const typed = "dd74 02b0－a422 1589 f3ea";
    await fireEvent.input(input(), { target: { value: typed } });
    await fireEvent.click(registerButton());

    await waitFor(() => expect(screen.queryByTestId("key-register-dialog")).toBeNull());
    expect(ipc.callsOf("register_expert_key")[0]?.args).toEqual({ reviewId: review.id, expertId: 2, fingerprint: typed });
    expect(within(row(2)).getByTestId("status-registered").textContent).toBe(SECOND_EXPERT_FINGERPRINT);
    expect(row(2).dataset.registered).toBe(SECOND_EXPERT_FINGERPRINT);
    expect(screen.getByTestId("key-status").textContent).toContain(`已为 李珺 登记密钥 ${SECOND_EXPERT_FINGERPRINT}`);
    // Focus goes back to the row, now on its revoke button.
    expect(document.activeElement).toBe(within(row(2)).getByTestId("key-revoke-open"));
    expect(ipc.callsOf("expert_status")).toHaveLength(2);
  });

  it("shows the core's refusal in the dialog, keeps what was typed and changes nothing", async () => {
    mock({
      register_expert_key: () => {
        throw badFingerprint;
      },
    });
    await showBoard();
    await fireEvent.click(within(row(2)).getByTestId("key-register-open"));
    await fireEvent.input(input(), { target: { value: "DD74-02B0" } });
    await fireEvent.submit(input().form!);

    const error = await screen.findByTestId("key-register-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("不是有效的密钥指纹");
    expect(error.textContent).toContain("bad_input");
    expect(input().value).toBe("DD74-02B0");
    expect(input().getAttribute("aria-invalid")).toBe("true");
    await waitFor(() => expect(document.activeElement).toBe(input()));
    expect(within(row(2)).getByTestId("status-unregistered")).toBeTruthy();
    expect(currentError()).toBeNull();

    setLang("en");
    await waitFor(() => expect(screen.getByTestId("key-register-error").textContent).toContain("is not a key fingerprint"));

    // Correcting what was typed clears the refusal, which was about the earlier text.
    await fireEvent.input(input(), { target: { value: "DD74-02B0-A" } });
    expect(screen.queryByTestId("key-register-error")).toBeNull();
    expect(input().getAttribute("aria-invalid")).toBe("false");
  });

  it("a key already registered for another expert is refused with the core's reason", async () => {
    const taken = ipcError(
      "bad_input",
      `密钥 ${EXPERT_FINGERPRINT} 已登记过（专家“王喆”）：一把密钥只能登记一次、只代表一位专家`,
      `Key ${EXPERT_FINGERPRINT} was registered before (for 王喆): a key is registered once, for one expert`,
    );
    mock({
      register_expert_key: () => {
        throw taken;
      },
    });
    await showBoard();
    await fireEvent.click(within(row(2)).getByTestId("key-register-open"));
    await fireEvent.input(input(), { target: { value: EXPERT_FINGERPRINT } });
    await fireEvent.click(registerButton());
    expect((await screen.findByTestId("key-register-error")).textContent).toContain("已登记过（专家“王喆”）");
  });

  it("Escape closes the dialog without registering anything", async () => {
    await showBoard();
    await fireEvent.click(within(row(2)).getByTestId("key-register-open"));
    await fireEvent.input(input(), { target: { value: SECOND_EXPERT_FINGERPRINT } });
    await fireEvent.keyDown(input(), { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("key-register-dialog")).toBeNull());
    expect(ipc.callsOf("register_expert_key")).toHaveLength(0);
    expect(document.activeElement).toBe(within(row(2)).getByTestId("key-register-open"));
  });
});

describe("revoking an expert's key", () => {
  it("asks for a reason, revokes, and lists the revoked key with it; the expert can be registered again", async () => {
    await showBoard();
    expect(screen.queryByTestId("revoked-keys")).toBeNull();

    await fireEvent.click(within(row(1)).getByTestId("key-revoke-open"));
    const dialog = await screen.findByTestId("key-revoke-dialog");
    expect(within(dialog).getByTestId("key-revoke-fingerprint").textContent).toBe(EXPERT_FINGERPRINT);
    expect(dialog.textContent).toContain("已收取的评分仍然有效");
    const reason = screen.getByTestId("key-revoke-reason") as HTMLTextAreaElement;
    const confirm = screen.getByTestId("key-revoke-confirm") as HTMLButtonElement;
    expect(document.activeElement).toBe(reason);
    // A reason is required: blank is not sent.
    await fireEvent.input(reason, { target: { value: "   " } });
    expect(confirm.disabled).toBe(true);

    await fireEvent.input(reason, { target: { value: " 笔记本电脑丢失 " } });
    await fireEvent.click(confirm);
    await waitFor(() => expect(screen.queryByTestId("key-revoke-dialog")).toBeNull());
    expect(ipc.callsOf("revoke_expert_key")[0]?.args).toEqual({ reviewId: review.id, expertId: 1, reason: "笔记本电脑丢失" });
    expect(screen.getByTestId("key-status").textContent).toContain(`已注销 王喆 的密钥 ${EXPERT_FINGERPRINT}`);
    expect(within(row(1)).getByTestId("status-unregistered")).toBeTruthy();

    const revoked = screen.getAllByTestId("revoked-key");
    expect(revoked).toHaveLength(1);
    expect(revoked[0]!.textContent).toContain("王喆");
    expect(revoked[0]!.textContent).toContain(EXPERT_FINGERPRINT);
    expect(revoked[0]!.textContent).toContain("笔记本电脑丢失");
    expect(within(row(1)).getByTestId("key-register-open")).toBeTruthy();
  });

  it("shows the core's refusal in the dialog", async () => {
    mock({
      revoke_expert_key: () => {
        throw { code: "bad_input", message_zh: "专家“王喆”没有在用的登记密钥", message_en: "Expert 王喆 has no registered key in force" };
      },
    });
    await showBoard();
    await fireEvent.click(within(row(1)).getByTestId("key-revoke-open"));
    await fireEvent.input(screen.getByTestId("key-revoke-reason"), { target: { value: "忘记口令" } });
    await fireEvent.click(screen.getByTestId("key-revoke-confirm"));
    expect((await screen.findByTestId("key-revoke-error")).textContent).toContain("没有在用的登记密钥");
    expect(screen.getByTestId("key-revoke-dialog")).toBeTruthy();
  });
});
