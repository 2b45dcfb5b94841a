import { beforeEach, describe, expect, it } from "vitest";
import { currentError, dismissError } from "./errors.svelte";
import { Task } from "./task.svelte";
import { ipcError } from "$lib/testing/fixtures";

const tooWeak = ipcError("passphrase_too_weak", "口令太容易被猜到", "too easy to guess");
const broken = ipcError("io", "无法写入文件", "Cannot write the file");

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
