import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import type { IpcError } from "$lib/ipc/types";
import ReasonDialog from "./ReasonDialog.svelte";
import { ipcError } from "$lib/testing/fixtures";

// ReasonDialog is the smallest FormDialog: these are the dialog shell's rules.

const reasonRequired = ipcError("reason_required", "须填写撤回理由", "A reason is required");
const locked = ipcError("review_locked", "评审已锁定", "The review is locked");

function open(onconfirm: (reason: string) => Promise<void>, oncancel = vi.fn()) {
  render(ReasonDialog, {
    name: "withdraw",
    title: "撤回推荐：李华",
    hint: "撤回后该推荐不进入评审包。",
    label: "撤回理由",
    placeholder: "如：本人申请撤回",
    confirm: "确认撤回",
    savingLabel: "正在撤回…",
    reasonCodes: ["reason_required"],
    onconfirm,
    oncancel,
  });
  return oncancel;
}

const reason = () => screen.getByTestId("withdraw-reason") as HTMLTextAreaElement;
const confirm = () => screen.getByTestId("withdraw-confirm") as HTMLButtonElement;
const dialog = () => screen.getByTestId("withdraw-dialog");

/** A command that waits until the test lets it answer. */
function pending() {
  let settle!: (error?: IpcError) => void;
  const promise = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  return { onconfirm: vi.fn(() => promise), settle };
}

beforeEach(() => setLang("zh-CN"));

describe("a confirming dialog", () => {
  it("is a modal dialog named by its title and described by its hint, with the reason focused", () => {
    open(vi.fn());
    expect(dialog().getAttribute("role")).toBe("dialog");
    expect(dialog().getAttribute("aria-modal")).toBe("true");
    expect(screen.getByRole("dialog", { name: "撤回推荐：李华" })).toBe(dialog());
    expect(screen.getByRole("dialog", { description: "撤回后该推荐不进入评审包。" })).toBe(dialog());
    expect(document.activeElement).toBe(reason());
  });

  it("confirms only with a reason, and sends it trimmed", async () => {
    const onconfirm = vi.fn(async () => {});
    open(onconfirm);
    expect(confirm().disabled).toBe(true);
    await fireEvent.input(reason(), { target: { value: "  本人申请撤回 " } });
    expect(confirm().disabled).toBe(false);
    await fireEvent.click(confirm());
    expect(onconfirm).toHaveBeenCalledWith("本人申请撤回");
  });

  it("is busy while the command runs: nothing can be changed or cancelled, Escape included", async () => {
    const { onconfirm, settle } = pending();
    const oncancel = open(onconfirm);
    await fireEvent.input(reason(), { target: { value: "本人申请撤回" } });
    await fireEvent.click(confirm());
    expect(confirm().disabled).toBe(true);
    expect(confirm().textContent?.trim()).toBe("正在撤回…");
    expect((screen.getByTestId("withdraw-cancel") as HTMLButtonElement).disabled).toBe(true);
    expect(reason().disabled).toBe(true);
    await fireEvent.keyDown(dialog(), { key: "Escape" });
    expect(oncancel).not.toHaveBeenCalled();
    settle();
    await vi.waitFor(() => expect(confirm().disabled).toBe(false));
  });

  it("shows the core's refusal, marks the reason when it is about the reason, and keeps what was typed", async () => {
    const onconfirm = vi.fn().mockRejectedValueOnce(reasonRequired).mockRejectedValueOnce(locked);
    open(onconfirm);
    await fireEvent.input(reason(), { target: { value: "x" } });
    await fireEvent.click(confirm());
    const error = await screen.findByTestId("withdraw-error");
    expect(error.textContent).toContain("须填写撤回理由");
    expect(reason().getAttribute("aria-invalid")).toBe("true");
    expect(reason().getAttribute("aria-describedby")).toBe(error.id);
    expect(reason().value).toBe("x");

    // A refusal about something else is shown too, but does not blame the reason.
    await fireEvent.click(confirm());
    await vi.waitFor(() => expect(screen.getByTestId("withdraw-error").textContent).toContain("评审已锁定"));
    expect(reason().getAttribute("aria-invalid")).toBe("false");
  });

  it("cancels on Escape when idle", async () => {
    const oncancel = open(vi.fn());
    await fireEvent.keyDown(dialog(), { key: "Escape" });
    expect(oncancel).toHaveBeenCalledOnce();
  });
});
