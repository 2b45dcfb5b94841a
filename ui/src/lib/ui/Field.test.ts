import { render, screen } from "@testing-library/svelte";
import { createRawSnippet } from "svelte";
import { describe, expect, it } from "vitest";
import Field from "./Field.svelte";

const input = createRawSnippet(() => ({ render: () => `<input type="text" data-testid="control" />` }));

describe("a form field", () => {
  it("captions its control: the caption names it", () => {
    render(Field, { label: "年度", children: input });
    const control = screen.getByLabelText("年度");
    expect(control).toBe(screen.getByTestId("control"));
    expect(control.closest("label")?.classList.contains("field")).toBe(true);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows its hint under the control, with the id the control points at", () => {
    const { container } = render(Field, { label: "起始月份", hint: "如 2024-11", hintId: "month-hint", children: input });
    const hint = container.querySelector(".field-hint");
    expect(hint?.textContent).toBe("如 2024-11");
    expect(hint?.id).toBe("month-hint");
  });

  it("shows what is wrong with the value as an alert", () => {
    render(Field, { label: "名额", error: "名额须为正整数", errorTestid: "quota-error", children: input });
    const error = screen.getByRole("alert");
    expect(error.textContent).toBe("名额须为正整数");
    expect(error.dataset.testid).toBe("quota-error");
  });

  it("is a plain box, not a label, around more than one control", () => {
    const { container } = render(Field, { label: "文件夹", as: "div", class: "folder", children: input });
    const field = container.querySelector(".field");
    expect(field?.tagName).toBe("DIV");
    expect(field?.classList.contains("folder")).toBe(true);
  });
});
