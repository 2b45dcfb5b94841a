import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chooseOpenFiles } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands } from "$lib/ipc/mock";
import { CLERK_FINGERPRINT, PANEL_HASH, categoryProgress, enrolment, panelViewFixture } from "$lib/testing/fixtures";
import { currentError, dismissError } from "$lib/ui/errors.svelte";
import PanelsHome from "./PanelsHome.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

const fresh = panelViewFixture({ hash: "11".repeat(32), enrolment: null });
const submitted = panelViewFixture({
  enrolment: { ...enrolment, locked: true },
  progress: [categoryProgress("model_branch", 3, 3, 1), categoryProgress("case_branch", 1, 1)],
});

beforeEach(() => {
  dismissError();
  freshPage();
});
afterEach(clearCommandMocks);

describe("the expert's entry on the home screen", () => {
  it("lists the panels on this laptop with closing date, clerk key and progress, and opens one", async () => {
    mockCommands({ list_panels: () => [submitted, fresh] });
    const onopen = vi.fn();
    render(PanelsHome, { onopen });

    expect(screen.getByText("专家评分")).toBeTruthy();
    const rows = await screen.findAllByTestId("panel-list-item");
    expect(rows).toHaveLength(2);
    const cells = within(rows[0]!).getAllByRole("cell").map((c) => c.textContent?.replace(/\s+/g, " ").trim());
    expect(cells).toEqual(["2026年样板支部评审", "2026-04-15", CLERK_FINGERPRINT, "王喆 已提交", "4 / 4"]);
    expect(rows[1]!.textContent).toContain("尚未登记");

    await fireEvent.click(rows[1]!);
    expect(onopen).toHaveBeenLastCalledWith("11".repeat(32));
    await fireEvent.keyDown(rows[0]!, { key: "Enter" });
    expect(onopen).toHaveBeenLastCalledWith(PANEL_HASH);
  });

  it("opens a package picked in the dialog and goes straight to it", async () => {
    vi.mocked(chooseOpenFiles).mockResolvedValue([{ handle: "open-package", name: "2026年样板支部评审.pdpanel" }]);
    const ipc = mockCommands({ list_panels: () => [], open_panel_package: () => fresh });
    const onopen = vi.fn();
    render(PanelsHome, { onopen });
    expect(await screen.findByTestId("panel-list-empty")).toBeTruthy();

    await fireEvent.click(screen.getByTestId("home-open-package"));
    await waitFor(() => expect(onopen).toHaveBeenCalledWith(fresh.hash));
    expect(vi.mocked(chooseOpenFiles).mock.calls[0]?.[0]).toMatchObject({ extensions: ["pdpanel"] });
    expect(ipc.callsOf("open_panel_package")[0]?.args).toEqual({ packageFile: "open-package" });
  });

  it("shows a refused package in the banner and stays on the list", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.mocked(chooseOpenFiles).mockResolvedValue([{ handle: "open-x", name: "x.pdpanel" }]);
    mockCommands({
      list_panels: () => [],
      open_panel_package: () => {
        throw { code: "bad_signature", message_zh: "签名无效", message_en: "Bad signature" };
      },
    });
    const onopen = vi.fn();
    render(PanelsHome, { onopen });
    await fireEvent.click(await screen.findByTestId("home-open-package"));
    await waitFor(() => expect(currentError()?.code).toBe("bad_signature"));
    expect(onopen).not.toHaveBeenCalled();
  });
});
