import { beforeEach, describe, expect, it } from "vitest";
import type { IpcError } from "$lib/ipc/types";
import { currentError, dismissError } from "./errors.svelte";
import { Task } from "./task.svelte";

const tooWeak: IpcError = { code: "passphrase_too_weak", message_zh: "口令太容易被猜到", message_en: "too easy to guess" };
const broken: IpcError = { code: "io", message_zh: "无法写入文件", message_en: "Cannot write the file" };

beforeEach(dismissError);

describe("a task", () => {
  it("is busy while its work runs and says whether it finished", async () => {
    const task = new Task();
    let release!: () => void;
    const running = task.run(() => new Promise<void>((resolve) => (release = resolve)));
    expect(task.busy).toBe(true);
    // A second press while it runs does nothing.
    expect(await task.run(async () => {})).toBe(false);
    release();
    expect(await running).toBe(true);
    expect(task.busy).toBe(false);
    expect(task.error).toBeNull();
  });

  it("sends a refusal to the error banner by default", async () => {
    const task = new Task();
    expect(await task.run(() => Promise.reject(broken))).toBe(false);
    expect(task.busy).toBe(false);
    expect(task.error).toBeNull();
    expect(currentError()?.code).toBe("io");
  });

  it("keeps every refusal inline when asked to, and clears it on the next run", async () => {
    const task = new Task(true);
    await task.run(() => Promise.reject(broken));
    expect(task.error).toEqual(broken);
    expect(task.refused()).toBe(true);
    expect(currentError()).toBeNull();
    await task.run(async () => {});
    expect(task.error).toBeNull();
  });

  it("keeps only the named codes inline; the rest go to the banner", async () => {
    const task = new Task(new Set(["passphrase_too_weak"]));
    await task.run(() => Promise.reject(tooWeak));
    expect(task.refused(new Set(["passphrase_too_weak"]))).toBe(true);
    expect(task.refused(new Set(["wrong_passphrase"]))).toBe(false);
    expect(currentError()).toBeNull();
    await task.run(() => Promise.reject(broken));
    expect(task.error).toBeNull();
    expect(currentError()?.code).toBe("io");
  });

  it("turns what is not the core's refusal into an unexpected error", async () => {
    const task = new Task(true);
    await task.run(() => Promise.reject(new Error("boom")));
    expect(task.error?.code).toBe("unexpected");
  });
});
