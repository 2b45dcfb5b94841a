import { fireEvent, render, screen } from "@testing-library/svelte";
import type { ComponentProps } from "svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import DialogFooter from "./DialogFooter.svelte";
import { ipcError } from "$lib/testing/fixtures";

const refused = ipcError("note_required", "须填写理由", "A reason is required");

function props(overrides: Partial<ComponentProps<typeof DialogFooter>> = {}): ComponentProps<typeof DialogFooter> {
  return {
    testid: "withdraw",
    errorId: "withdraw-error",
    error: null,
    saving: false,
    ready: true,
    confirm: "确认撤回",
    savingLabel: "正在撤回…",
    oncancel: vi.fn(),
    ...overrides,
  };
}

const confirm = () => screen.getByTestId("withdraw-confirm") as HTMLButtonElement;
const cancel = () => screen.getByTestId("withdraw-cancel") as HTMLButtonElement;

beforeEach(() => setLang("zh-CN"));

describe("a dialog's footer", () => {
  it("offers confirm and cancel once the form is ready", async () => {
    const oncancel = vi.fn();
    render(DialogFooter, props({ oncancel }));
    expect(confirm().disabled).toBe(false);
    expect(confirm().textContent?.trim()).toBe("确认撤回");
    expect(confirm().type).toBe("submit");
    await fireEvent.click(cancel());
    expect(oncancel).toHaveBeenCalledOnce();
  });

  it("cannot confirm a form that is not filled in", () => {
    render(DialogFooter, props({ ready: false }));
    expect(confirm().disabled).toBe(true);
    expect(cancel().disabled).toBe(false);
  });

  it("disables both buttons while saving and says it is saving", () => {
    render(DialogFooter, props({ saving: true }));
    expect(confirm().disabled).toBe(true);
    expect(confirm().getAttribute("aria-busy")).toBe("true");
    expect(confirm().textContent?.trim()).toBe("正在撤回…");
    expect(cancel().disabled).toBe(true);
  });

  it("shows the core's refusal in the current language with its code", () => {
    render(DialogFooter, props({ error: refused }));
    const error = screen.getByTestId("withdraw-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.id).toBe("withdraw-error");
    expect(error.textContent).toContain("须填写理由");
    expect(error.textContent).toContain("note_required");
  });

  it("can leave the code out", () => {
    render(DialogFooter, props({ error: refused, showCode: false }));
    expect(screen.getByTestId("withdraw-error").textContent).not.toContain("note_required");
  });

  it("shows what the form's own check found before the core is asked, with the id the field points at", () => {
    render(DialogFooter, props({ problem: "请填写正整数", problemId: "count-problem" }));
    const problem = screen.getByTestId("withdraw-problem");
    expect(problem.textContent).toBe("请填写正整数");
    expect(problem.id).toBe("count-problem");
    expect(problem.getAttribute("role")).toBe("alert");
    expect(screen.queryByTestId("withdraw-error")).toBeNull();
  });
});
