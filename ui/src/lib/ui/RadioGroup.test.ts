import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import RadioGroup from "./RadioGroup.svelte";

const options = [
  { value: "in", label: "入选" },
  { value: "out", label: "不入选" },
] as const;

describe("a group of radio buttons", () => {
  it("is named by its caption and checks the bound choice", () => {
    render(RadioGroup, { legend: "决定", name: "outcome", options, value: "out", testid: "decide-" });
    expect(screen.getByRole("group", { name: "决定" })).toBeTruthy();
    expect((screen.getByTestId("decide-out") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("decide-in") as HTMLInputElement).checked).toBe(false);
    expect((screen.getByLabelText("入选") as HTMLInputElement).name).toBe("outcome");
  });

  it("tells which choice was made", async () => {
    const onchange = vi.fn();
    render(RadioGroup, { legend: "决定", name: "outcome", options, testid: "decide-", onchange });
    await fireEvent.click(screen.getByLabelText("入选"));
    expect(onchange).toHaveBeenCalledWith("in");
  });

  it("can be disabled while its form saves", () => {
    render(RadioGroup, { legend: "决定", name: "outcome", options, testid: "decide-", disabled: true });
    expect((screen.getByTestId("decide-in") as HTMLInputElement).disabled).toBe(true);
  });
});
