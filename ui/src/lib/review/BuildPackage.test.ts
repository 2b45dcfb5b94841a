import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseSavePath } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import { CLERK_FINGERPRINT, PANEL_HASH, packageSummary, review, storedFlag } from "$lib/testing/fixtures";
import { localDateAfter } from "$lib/ui/format";
import ReviewScreen from "./ReviewScreen.svelte";

vi.mock("$lib/ipc/dialog", () => ({
  chooseOpenFiles: vi.fn(),
  chooseFolder: vi.fn(),
  chooseSavePath: vi.fn(),
}));

let ipc: MockedCommands;

beforeEach(() => {
  localStorage.clear();
  setLang("zh-CN");
  vi.mocked(chooseSavePath).mockResolvedValue("/home/clerk/U盘/样板支部.pdpanel");
  ipc = mockCommands({ open_review: () => review, list_flags: () => [], build_panel_package: () => packageSummary() });
});
afterEach(clearCommandMocks);

describe("building a panel package", () => {
  it("asks for the closing day and comment length, then builds and shows what went in", async () => {
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("build-package-open"));
    const closesOn = screen.getByTestId("build-package-closes-on") as HTMLInputElement;
    expect(closesOn.value).toBe(localDateAfter(new Date(), 14));
    expect((screen.getByTestId("build-package-min-comment") as HTMLInputElement).value).toBe("0");

    await fireEvent.input(closesOn, { target: { value: "2026-04-15" } });
    await fireEvent.input(screen.getByTestId("build-package-min-comment"), { target: { value: "20" } });
    await fireEvent.click(screen.getByTestId("build-package-confirm"));

    const summary = await screen.findByTestId("package-summary");
    expect(ipc.callsOf("build_panel_package")[0]?.args).toEqual({
      reviewId: review.id,
      destination: "/home/clerk/U盘/样板支部.pdpanel",
      closesOn: "2026-04-15",
      minCommentChars: 20,
    });
    expect(vi.mocked(chooseSavePath).mock.calls[0]?.[0]).toMatchObject({
      defaultPath: "2026年基层党建创新典型案例评审.pdpanel",
      extensions: ["pdpanel"],
    });
    expect(screen.getByTestId("package-fingerprint").textContent).toBe(CLERK_FINGERPRINT);
    expect(summary.textContent).toContain(PANEL_HASH);
    expect(summary.textContent).toContain("推荐对象 3 个 · 专家 2 位 · 材料 6 份");
    expect(summary.textContent).toContain("已排除 1 个推荐对象");
    expect(screen.queryByTestId("build-package-confirm")).toBeNull();
  });

  it("builds nothing when the save dialog is cancelled, or the comment length is not a whole number", async () => {
    vi.mocked(chooseSavePath).mockResolvedValue(null);
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("build-package-open"));
    await fireEvent.click(screen.getByTestId("build-package-confirm"));
    await waitFor(() => expect(vi.mocked(chooseSavePath)).toHaveBeenCalled());
    expect(ipc.callsOf("build_panel_package")).toHaveLength(0);

    await fireEvent.input(screen.getByTestId("build-package-min-comment"), { target: { value: "2.5" } });
    expect((screen.getByTestId("build-package-confirm") as HTMLButtonElement).disabled).toBe(true);
  });

  it("says how many flags are still open before the package goes out, and still builds", async () => {
    ipc = mockCommands({
      open_review: () => review,
      list_flags: () => [
        storedFlag({ id: 1, status: "open" }),
        storedFlag({ id: 2, status: "accepted" }),
        storedFlag({ id: 3, status: "open" }),
      ],
      build_panel_package: () => packageSummary(),
    });
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("build-package-open"));
    const warning = await screen.findByTestId("build-package-open-flags");
    expect(warning.textContent).toContain("还有 2 条标记未处理");
    await fireEvent.click(screen.getByTestId("build-package-confirm"));
    await screen.findByTestId("package-summary");
    expect(ipc.callsOf("build_panel_package")).toHaveLength(1);
  });

  it("says nothing about flags when none is open", async () => {
    render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
    await fireEvent.click(await screen.findByTestId("build-package-open"));
    await waitFor(() => expect(screen.getByTestId("build-package-confirm")).toBeTruthy());
    expect(screen.queryByTestId("build-package-open-flags")).toBeNull();
  });
});
