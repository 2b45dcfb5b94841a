import { fireEvent, render, screen } from "@testing-library/svelte";
import { createRawSnippet } from "svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import type { ClerkKeyState, ClerkKeysStatus } from "$lib/ipc/types";
import { clerkKeys } from "$lib/ui/clerkKeys.svelte";
import ClerkKeyGate from "./ClerkKeyGate.svelte";
import { freshPage } from "$lib/testing/page";

const FINGERPRINT = "DD74-02B0-A422-1589-F3EA";
const job = createRawSnippet(() => ({ render: () => `<p data-testid="guarded-job">签发评审包</p>` }));

let ipc: MockedCommands;
let stored: ClerkKeyState;
let unlocked: boolean;

function status(): ClerkKeysStatus {
  return { state: stored, unlocked, fingerprint: stored === "missing" ? null : FINGERPRINT };
}

beforeEach(() => {
  freshPage();
  clerkKeys.status = null;
  unlocked = false;
  ipc = mockCommands({
    clerk_keys_status: () => status(),
    unlock_clerk_keys: (args) => {
      if (args.passphrase !== "lamp orbit 7 tides") {
        throw { code: "wrong_passphrase", message_zh: "口令不正确", message_en: "Wrong passphrase" };
      }
      unlocked = true;
      return status();
    },
    set_clerk_passphrase: (args) => {
      if (args.passphrase === "password123") {
        throw { code: "passphrase_too_weak", message_zh: "口令太容易被猜到", message_en: "too easy to guess" };
      }
      stored = "protected";
      unlocked = true;
      return status();
    },
  });
});
afterEach(clearCommandMocks);

describe("the clerk's keys before a signing job", () => {
  it("asks for the passphrase while the keys are locked and shows the job once unlocked", async () => {
    stored = "protected";
    render(ClerkKeyGate, { children: job });
    const gate = await screen.findByTestId("clerk-key-gate");
    expect(gate.dataset.state).toBe("protected");
    expect(screen.queryByTestId("guarded-job")).toBeNull();
    expect(screen.queryByTestId("clerk-passphrase-repeat")).toBeNull();

    await fireEvent.input(screen.getByTestId("clerk-passphrase"), { target: { value: "lamp orbit 7 tide" } });
    await fireEvent.click(screen.getByTestId("clerk-unlock"));
    expect((await screen.findByTestId("clerk-key-error")).textContent).toContain("口令不正确");
    expect(screen.queryByTestId("guarded-job")).toBeNull();

    await fireEvent.input(screen.getByTestId("clerk-passphrase"), { target: { value: "lamp orbit 7 tides" } });
    await fireEvent.click(screen.getByTestId("clerk-unlock"));
    expect(await screen.findByTestId("guarded-job")).toBeTruthy();
    expect(ipc.callsOf("unlock_clerk_keys").map((c) => c.args.passphrase)).toEqual(["lamp orbit 7 tide", "lamp orbit 7 tides"]);
  });

  it("sets a passphrase twice on a computer without keys, and shows the core's refusal of a weak one", async () => {
    stored = "missing";
    render(ClerkKeyGate, { children: job });
    const gate = await screen.findByTestId("clerk-key-gate");
    expect(gate.dataset.state).toBe("missing");
    expect(gate.textContent).toContain("设置工作人员口令");

    await fireEvent.input(screen.getByTestId("clerk-passphrase"), { target: { value: "river 42 copper bells" } });
    await fireEvent.input(screen.getByTestId("clerk-passphrase-repeat"), { target: { value: "river 42 copper bell" } });
    await fireEvent.click(screen.getByTestId("clerk-unlock"));
    expect(screen.getByTestId("clerk-key-error").textContent).toContain("两次输入的口令不一致");
    expect(ipc.callsOf("set_clerk_passphrase")).toHaveLength(0);

    await fireEvent.input(screen.getByTestId("clerk-passphrase"), { target: { value: "password123" } });
    await fireEvent.input(screen.getByTestId("clerk-passphrase-repeat"), { target: { value: "password123" } });
    await fireEvent.click(screen.getByTestId("clerk-unlock"));
    expect((await screen.findByTestId("clerk-key-error")).textContent).toContain("口令太容易被猜到");

    await fireEvent.input(screen.getByTestId("clerk-passphrase"), { target: { value: "river 42 copper bells" } });
    await fireEvent.input(screen.getByTestId("clerk-passphrase-repeat"), { target: { value: "river 42 copper bells" } });
    await fireEvent.click(screen.getByTestId("clerk-unlock"));
    expect(await screen.findByTestId("guarded-job")).toBeTruthy();
    expect(ipc.callsOf("set_clerk_passphrase").at(-1)?.args).toEqual({ current: null, passphrase: "river 42 copper bells" });
  });

  it("warns that keys from an older version are readable by anyone until protected", async () => {
    stored = "unprotected";
    render(ClerkKeyGate, { children: job });
    const gate = await screen.findByTestId("clerk-key-gate");
    expect(gate.textContent).toContain("尚未加密");
    expect(screen.getByTestId("clerk-passphrase-repeat")).toBeTruthy();
  });
});
