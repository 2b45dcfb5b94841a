import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import SelectField from "./SelectField.svelte";

const options = [
  { value: "mid_term", label: "中期评估" },
  { value: "acceptance", label: "验收" },
] as const;

describe("a field that picks one of a list", () => {
  it("names its select and offers the options in order", () => {
    render(SelectField, { label: "阶段", testid: "stage", options, value: "acceptance" });
    const select = screen.getByLabelText("阶段") as HTMLSelectElement;
    expect(select).toBe(screen.getByTestId("stage"));
    expect([...select.options].map((o) => o.textContent)).toEqual(["中期评估", "验收"]);
    expect(select.value).toBe("acceptance");
  });

  it("leads with an empty choice: a filter's “all”, or a prompt that cannot be chosen again", () => {
    render(SelectField, { label: "状态", testid: "filter", options, value: "", none: "全部" });
    const filter = screen.getByTestId("filter") as HTMLSelectElement;
    expect(filter.options[0]?.textContent).toBe("全部");
    expect(filter.options[0]?.disabled).toBe(false);
    expect(filter.value).toBe("");
  });

  it("keeps a prompt disabled", () => {
    render(SelectField, { label: "新状态", testid: "status", options, value: "", none: "请选择", noneDisabled: true });
    expect((screen.getByTestId("status") as HTMLSelectElement).options[0]?.disabled).toBe(true);
  });

  it("tells of a change", async () => {
    const onchange = vi.fn();
    render(SelectField, { label: "阶段", testid: "stage", options, value: "mid_term", onchange });
    await fireEvent.change(screen.getByTestId("stage"), { target: { value: "acceptance" } });
    expect(onchange).toHaveBeenCalledOnce();
  });
});
