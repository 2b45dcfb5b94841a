import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import TextSize from "./TextSize.svelte";
import { freshPage } from "$lib/testing/page";

let ipc: MockedCommands;

beforeEach(() => {
  freshPage();
  ipc = mockCommands({ set_text_size: (args) => args.percent });
});
afterEach(clearCommandMocks);

describe("the window's text size", () => {
  it("leaves the window alone at the design size", () => {
    render(TextSize);
    expect((screen.getByTestId("text-size") as HTMLSelectElement).value).toBe("100");
    expect(ipc.callsOf("set_text_size")).toHaveLength(0);
  });

  it("scales the window when chosen and keeps the choice on this computer", async () => {
    render(TextSize);
    await fireEvent.change(screen.getByTestId("text-size"), { target: { value: "150" } });
    await waitFor(() => expect(localStorage.getItem("paneldesk.textSize")).toBe("150"));
    expect(ipc.callsOf("set_text_size")[0]?.args).toEqual({ percent: 150 });
  });

  it("applies the kept size again at the next start", async () => {
    localStorage.setItem("paneldesk.textSize", "175");
    render(TextSize);
    expect((screen.getByTestId("text-size") as HTMLSelectElement).value).toBe("175");
    await waitFor(() => expect(ipc.callsOf("set_text_size")[0]?.args).toEqual({ percent: 175 }));
  });
});
