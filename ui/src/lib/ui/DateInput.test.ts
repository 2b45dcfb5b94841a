import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import DateInputHarness from "./DateInputHarness.test.svelte";

beforeEach(() => setLang("zh-CN"));

describe("a date field in the Chinese UI", () => {
  it("takes a day typed the Chinese way, holds it as YYYY-MM-DD and says it back in Chinese", async () => {
    render(DateInputHarness, { kind: "day", initial: "" });
    const input = screen.getByTestId("date") as HTMLInputElement;
    expect(input.type).toBe("text");
    expect(input.placeholder).toBe("如 2026-12-21");
    await fireEvent.input(input, { target: { value: "2026年12月21日" } });
    await fireEvent.change(input);
    expect(input.value).toBe("2026-12-21");
    expect(screen.getByTestId("bound").textContent).toBe("2026-12-21");
    expect(screen.getByTestId("date-spoken").textContent).toBe("2026年12月21日（星期一）");
    expect(input.getAttribute("aria-invalid")).toBe("false");
  });

  it("marks a day that cannot be and keeps what was typed for the core to refuse", async () => {
    render(DateInputHarness, { kind: "day", initial: "2026-01-05" });
    const input = screen.getByTestId("date") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "12/21/2026" } });
    await fireEvent.change(input);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("date-problem").textContent).toContain("年-月-日");
    expect(screen.getByTestId("bound").textContent).toBe("12/21/2026");
  });

  it("takes a month", async () => {
    render(DateInputHarness, { kind: "month", initial: "" });
    const input = screen.getByTestId("date") as HTMLInputElement;
    expect(input.placeholder).toBe("如 2026-12");
    await fireEvent.input(input, { target: { value: "2024/11" } });
    await fireEvent.change(input);
    expect(screen.getByTestId("bound").textContent).toBe("2024-11");
    expect(screen.getByTestId("date-spoken").textContent).toBe("2024年11月");
  });
});
