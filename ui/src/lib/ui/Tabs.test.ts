import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { nextTab } from "./tabKeys";
import TabsHarness from "./TabsHarness.test.svelte";

const tab = (name: string) => screen.getByRole("tab", { name });

describe("the tab keys", () => {
  it("move right and left with wrapping, Home and End to the ends, and ignore other keys", () => {
    expect(nextTab("ArrowRight", 0, 3)).toBe(1);
    expect(nextTab("ArrowRight", 2, 3)).toBe(0);
    expect(nextTab("ArrowLeft", 0, 3)).toBe(2);
    expect(nextTab("Home", 2, 3)).toBe(0);
    expect(nextTab("End", 0, 3)).toBe(2);
    expect(nextTab("Enter", 1, 3)).toBeNull();
    expect(nextTab("Home", 2, 3, false)).toBeNull();
    expect(nextTab("ArrowRight", 0, 0)).toBeNull();
  });
});

describe("a tab bar", () => {
  it("is a named tab list whose selected tab controls the panel that labels itself by it", () => {
    render(TabsHarness);
    expect(screen.getByRole("tablist", { name: "选项卡" })).toBeTruthy();
    expect(tab("第一").getAttribute("aria-selected")).toBe("true");
    expect(tab("第二").getAttribute("aria-selected")).toBe("false");
    // Only the selected tab is in the Tab order; the arrows reach the others.
    expect(tab("第一").tabIndex).toBe(0);
    expect(tab("第二").tabIndex).toBe(-1);
    const panel = screen.getByRole("tabpanel");
    expect(panel.id).toBe("panel-one");
    expect(tab("第一").getAttribute("aria-controls")).toBe("panel-one");
    expect(panel.getAttribute("aria-labelledby")).toBe(tab("第一").id);
    expect(screen.getByTestId("panel-content").textContent).toBe("one");
  });

  it("selects a tab on click and shows its panel", async () => {
    render(TabsHarness);
    await fireEvent.click(tab("第三"));
    expect(tab("第三").getAttribute("aria-selected")).toBe("true");
    expect(tab("第一").getAttribute("aria-selected")).toBe("false");
    expect(screen.getByTestId("panel-content").textContent).toBe("three");
    expect(screen.getByTestId("bound").textContent).toBe("three");
  });

  it("moves the selection and the focus with the arrow keys, Home and End", async () => {
    render(TabsHarness);
    tab("第一").focus();
    await fireEvent.keyDown(tab("第一"), { key: "ArrowRight" });
    expect(tab("第二").getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(tab("第二"));
    expect(screen.getByTestId("panel-content").textContent).toBe("two");

    await fireEvent.keyDown(tab("第二"), { key: "End" });
    expect(document.activeElement).toBe(tab("第三"));
    await fireEvent.keyDown(tab("第三"), { key: "ArrowRight" });
    expect(document.activeElement).toBe(tab("第一"));
    await fireEvent.keyDown(tab("第一"), { key: "ArrowLeft" });
    expect(document.activeElement).toBe(tab("第三"));
    await fireEvent.keyDown(tab("第三"), { key: "Home" });
    expect(screen.getByTestId("bound").textContent).toBe("one");
  });

  it("leaves other keys alone", async () => {
    render(TabsHarness);
    await fireEvent.keyDown(tab("第一"), { key: "ArrowDown" });
    expect(tab("第一").getAttribute("aria-selected")).toBe("true");
  });

  it("names its tabs and panel with the prefix, for screens with more than one tab bar", () => {
    render(TabsHarness, { prefix: "supervision-" });
    expect(screen.getByTestId("supervision-tab-two")).toBe(tab("第二"));
    expect(screen.getByRole("tabpanel").id).toBe("supervision-panel-one");
  });
});
