import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LANG_STORAGE_KEY } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, mockCommands } from "$lib/ipc/mock";
import { appInfoFixture, notFound, panelItemsFixture, panelViewFixture, review, reviewList, summary } from "$lib/testing/fixtures";
import App from "./App.svelte";
import { freshPage } from "$lib/testing/page";

beforeEach(() => {
  freshPage();
});
afterEach(clearCommandMocks);

describe("the app frame", () => {
  it("shows version and data folder in the footer, and switches language", async () => {
    mockCommands({ app_info: () => appInfoFixture, list_reviews: () => reviewList([]), list_panels: () => [] });
    render(App);

    const footer = screen.getByTestId("app-footer");
    await waitFor(() => expect(footer.textContent).toContain("/home/clerk/.local/share/paneldesk"));
    expect(footer.textContent).toContain("版本 0.1.0");
    expect(screen.getByText("PanelDesk 专家评审")).toBeTruthy();

    await fireEvent.click(screen.getByTestId("lang-switch"));
    expect(screen.getByText("PanelDesk Expert Review")).toBeTruthy();
    expect(footer.textContent).toContain("Version 0.1.0");
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe("en");
  });

  it("shows a rejected command in a dismissible banner, in the current language, with its code", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    mockCommands({
      app_info: () => appInfoFixture,
      list_reviews: () => reviewList([summary({ id: review.id })]),
      list_panels: () => [],
      open_review: () => {
        throw notFound;
      },
    });
    render(App);

    await fireEvent.click(await screen.findByTestId("review-row"));
    const banner = await screen.findByTestId("error-banner");
    expect(banner.textContent).toContain("找不到评审文件");
    expect(banner.textContent).toContain("review_not_found");
    expect(logged).toHaveBeenCalled();

    await fireEvent.click(screen.getByTestId("lang-switch"));
    expect(screen.getByTestId("error-banner").textContent).toContain("Review file not found");

    await fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("error-banner")).toBeNull();
  });

  it("opens a review from the list and comes back", async () => {
    const ipc = mockCommands({
      app_info: () => appInfoFixture,
      list_reviews: () => reviewList([summary({ id: review.id })]),
      list_panels: () => [],
      open_review: () => review,
      list_flags: () => [],
    });
    render(App);

    await fireEvent.click(await screen.findByTestId("review-row"));
    expect((await screen.findByTestId("review-title")).textContent).toBe("2026年基层党建创新典型案例评审");
    expect(ipc.callsOf("open_review")[0]?.args).toEqual({ reviewId: review.id });

    await fireEvent.click(screen.getByTestId("back-home"));
    expect(await screen.findByTestId("review-list")).toBeTruthy();
    expect(ipc.callsOf("list_reviews")).toHaveLength(2);
  });

  it("opens an expert's panel from the home screen and comes back", async () => {
    const view = panelViewFixture();
    const ipc = mockCommands({
      app_info: () => appInfoFixture,
      list_reviews: () => reviewList([]),
      list_panels: () => [view],
      panel_view: () => view,
      panel_items: () => panelItemsFixture(),
    });
    render(App);

    expect(await screen.findByTestId("expert-entry")).toBeTruthy();
    await fireEvent.click(await screen.findByTestId("panel-list-item"));
    expect((await screen.findByTestId("panel-title")).textContent).toBe("2026年样板支部评审");
    expect(await screen.findByTestId("score-grid")).toBeTruthy();
    expect(ipc.callsOf("panel_view")[0]?.args).toEqual({ hash: view.hash });

    await fireEvent.click(screen.getByTestId("back-home"));
    expect(await screen.findByTestId("panel-list-item")).toBeTruthy();
    expect(ipc.callsOf("list_panels")).toHaveLength(2);
  });
});
