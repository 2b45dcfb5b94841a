import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { ReviewOutline } from "$lib/ipc/types";
import { ipcError, review } from "$lib/testing/fixtures";
import { mockReview } from "$lib/testing/reviewMock";
import ReviewScreen from "./ReviewScreen.svelte";
import { freshPage } from "$lib/testing/page";

const duplicate = ipcError("bad_input", "专家“王喆”（江北师范大学）已在名单中", "王喆 (江北师范大学) is already on the roster");

const packaged = ipcError("bad_input", "评审包已生成，不能再移除专家", "A panel package was built: experts can no longer be removed");

let ipc: MockedCommands;
/** What the "core" holds: each command answers with the whole review, as the real one does. */
let stored: ReviewOutline;

function mock(overrides: Record<string, CommandHandler> = {}, start: ReviewOutline = review) {
  ({ ipc, stored } = mockReview(start, (stored) => ({
    add_expert: (args) => {
      const id = Math.max(0, ...stored.experts.map((e) => e.id)) + 1;
      const trim = (v: unknown) => String(v).trim();
      stored.experts.push({ id, name: trim(args.name), institution: trim(args.institution), title: trim(args.title) });
      return structuredClone(stored);
    },
    remove_expert: (args) => {
      stored.experts = stored.experts.filter((e) => e.id !== args.expertId);
      return structuredClone(stored);
    },
    ...overrides,
  })));
}

beforeEach(() => {
  freshPage();
  mock();
});
afterEach(clearCommandMocks);

async function openExperts() {
  render(ReviewScreen, { reviewId: review.id, onback: vi.fn() });
  await fireEvent.click(await screen.findByTestId("tab-experts"));
}

const input = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

async function type(testid: string, value: string) {
  await fireEvent.input(input(testid), { target: { value } });
}

const names = () => screen.queryAllByTestId("expert-row").map((r) => r.querySelectorAll("td")[1]?.textContent);

describe("adding experts", () => {
  it("adds what was typed, then clears the fields and puts the cursor back on the name", async () => {
    await openExperts();
    await type("expert-add-name", " 欧阳䶮 ");
    await type("expert-add-institution", "南岭大学");
    await type("expert-add-title", "副教授");
    // Enter in a field submits the form (the browser's implicit submission).
    await fireEvent.submit(input("expert-add-title").form!);

    await waitFor(() => expect(names()).toEqual(["王喆", "李珺", "欧阳䶮"]));
    expect(ipc.callsOf("add_expert")[0]?.args).toEqual({
      reviewId: review.id,
      name: " 欧阳䶮 ",
      institution: "南岭大学",
      title: "副教授",
    });
    expect(input("expert-add-name").value).toBe("");
    expect(input("expert-add-institution").value).toBe("");
    expect(input("expert-add-title").value).toBe("");
    expect(document.activeElement).toBe(input("expert-add-name"));
    expect(screen.getByTestId("expert-roster-status").textContent).toContain("已添加：欧阳䶮");
    expect(screen.queryByTestId("expert-add-error")).toBeNull();

    // The next one straight away, with the button this time; the title may stay empty.
    await type("expert-add-name", "赵頔");
    await type("expert-add-institution", "东川理工大学");
    await fireEvent.click(screen.getByTestId("expert-add-submit"));
    await waitFor(() => expect(names()).toHaveLength(4));
    expect(ipc.callsOf("add_expert")[1]?.args).toMatchObject({ name: "赵頔", title: "" });

    // The screen's review was replaced, not just this tab's view: it survives a tab switch.
    await fireEvent.click(screen.getByTestId("tab-overview"));
    await fireEvent.click(screen.getByTestId("tab-experts"));
    expect(names()).toEqual(["王喆", "李珺", "欧阳䶮", "赵頔"]);
    expect(ipc.callsOf("open_review")).toHaveLength(1);
  });

  it("shows the core's refusal under the form in the current language and keeps what was typed", async () => {
    mock({
      add_expert: () => {
        throw duplicate;
      },
    });
    await openExperts();
    await type("expert-add-name", "王喆");
    await type("expert-add-institution", "江北师范大学");
    await fireEvent.click(screen.getByTestId("expert-add-submit"));

    const error = await screen.findByTestId("expert-add-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("已在名单中");
    expect(names()).toEqual(["王喆", "李珺"]);
    expect(input("expert-add-name").value).toBe("王喆");
    expect(input("expert-add-institution").value).toBe("江北师范大学");

    setLang("en");
    await waitFor(() => expect(screen.getByTestId("expert-add-error").textContent).toContain("already on the roster"));
  });

  it("asks for the name and institution without a round trip when one is blank", async () => {
    await openExperts();
    await type("expert-add-name", "   ");
    await type("expert-add-institution", "南岭大学");
    await fireEvent.click(screen.getByTestId("expert-add-submit"));

    expect(screen.getByTestId("expert-add-error").textContent).toContain("请填写姓名和工作单位");
    expect(input("expert-add-name").getAttribute("aria-invalid")).toBe("true");
    expect(input("expert-add-institution").getAttribute("aria-invalid")).toBe("false");
    expect(document.activeElement).toBe(input("expert-add-name"));
    expect(ipc.callsOf("add_expert")).toHaveLength(0);
  });

  it("offers the form on an empty roster too", async () => {
    mock({}, { ...review, experts: [] });
    await openExperts();
    expect(screen.getByText("尚未添加专家。")).toBeTruthy();
    expect(screen.queryByTestId("expert-list")).toBeNull();

    await type("expert-add-name", "王喆");
    await type("expert-add-institution", "江北师范大学");
    await fireEvent.click(screen.getByTestId("expert-add-submit"));
    const rows = await screen.findAllByTestId("expert-row");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dataset.expertId).toBe("1");
    expect(screen.getByTestId("expert-list")).toBeTruthy();
  });
});

describe("removing an expert", () => {
  it("asks once more on the row, can be cancelled, and removes on confirmation", async () => {
    await openExperts();
    const row = () => screen.getAllByTestId("expert-row")[0]!;
    expect(within(row()).queryByTestId("expert-remove-confirm")).toBeNull();

    await fireEvent.click(within(row()).getByTestId("expert-remove"));
    const confirm = within(row()).getByTestId("expert-remove-confirm");
    expect(confirm.textContent).toContain("确认移除？");
    expect(document.activeElement).toBe(confirm);
    expect(ipc.callsOf("remove_expert")).toHaveLength(0);

    await fireEvent.click(within(row()).getByTestId("expert-remove-cancel"));
    expect(within(row()).queryByTestId("expert-remove-confirm")).toBeNull();
    expect(document.activeElement).toBe(within(row()).getByTestId("expert-remove"));

    // Escape also steps back.
    await fireEvent.click(within(row()).getByTestId("expert-remove"));
    await fireEvent.keyDown(within(row()).getByTestId("expert-remove-confirm"), { key: "Escape" });
    expect(within(row()).queryByTestId("expert-remove-confirm")).toBeNull();

    await fireEvent.click(within(row()).getByTestId("expert-remove"));
    await fireEvent.click(within(row()).getByTestId("expert-remove-confirm"));
    await waitFor(() => expect(names()).toEqual(["李珺"]));
    expect(ipc.callsOf("remove_expert")[0]?.args).toEqual({ reviewId: review.id, expertId: 1 });
    expect(screen.getByTestId("expert-roster-status").textContent).toContain("已移除：王喆");
    // Focus goes to the row that took its place.
    expect(document.activeElement).toBe(within(row()).getByTestId("expert-remove"));
  });

  it("shows the core's refusal once a package was built, and keeps the expert", async () => {
    mock({
      remove_expert: () => {
        throw packaged;
      },
    });
    await openExperts();
    const row = screen.getAllByTestId("expert-row")[1]!;
    await fireEvent.click(within(row).getByTestId("expert-remove"));
    await fireEvent.click(within(row).getByTestId("expert-remove-confirm"));

    const error = await screen.findByTestId("expert-remove-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("评审包已生成，不能再移除专家");
    expect(names()).toEqual(["王喆", "李珺"]);
    expect(screen.queryByTestId("expert-remove-confirm")).toBeNull();
  });
});
