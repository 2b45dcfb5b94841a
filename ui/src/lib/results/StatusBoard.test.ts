import { render, screen, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { EXPERT_FINGERPRINT, expertStatusFixture } from "$lib/testing/fixtures";
import StatusBoard from "./StatusBoard.svelte";
import { freshPage } from "$lib/testing/page";

const actions = () => ({ onregister: vi.fn(), onrevoke: vi.fn() });
const headers = () => [...screen.getByTestId("status-board").querySelectorAll("thead th")].map((th) => th.textContent?.trim());

beforeEach(() => {
  freshPage();
});

describe("the status board", () => {
  it("has no panel column when one panel scores the whole review", () => {
    render(StatusBoard, { statuses: expertStatusFixture(), ...actions() });
    expect(headers()).toEqual(["专家", "登记的密钥", "状态", "收取时间", "签名密钥", "已评", "回避"]);
    expect(screen.queryByTestId("status-panel")).toBeNull();
  });

  it("names each row's panel first when the review has several panels", () => {
    const [wang, li] = expertStatusFixture();
    const statuses = [
      { ...wang!, panel: "第一组" },
      { ...li!, panel: "第一组" },
      { ...wang!, panel: "第二组", submitted: false, sequence: null, received_at: null, fingerprint: null, marked: 0, recused: 0 },
    ];
    render(StatusBoard, { statuses, ...actions() });
    expect(headers()).toEqual(["评审组", "专家", "登记的密钥", "状态", "收取时间", "签名密钥", "已评", "回避"]);
    const rows = screen.getAllByTestId("status-row");
    expect(rows.map((row) => row.querySelector("td")?.textContent)).toEqual(["第一组", "第一组", "第二组"]);
    expect(rows[2]!.querySelector("th")?.textContent).toBe("王喆");
    expect(screen.getByTestId("status-count").textContent).toBe("已提交 1 / 3");
  });

  it("shows each expert's registered key, or says it is not registered, with the action that fits", async () => {
    render(StatusBoard, { statuses: expertStatusFixture(), ...actions() });
    const [wang, li] = screen.getAllByTestId("status-row");
    expect(wang!.querySelector('[data-testid="status-registered"]')?.textContent).toBe(EXPERT_FINGERPRINT);
    expect(wang!.querySelector('[data-testid="key-revoke-open"]')?.getAttribute("aria-label")).toBe("注销密钥…（王喆）");
    expect(wang!.querySelector('[data-testid="key-register-open"]')).toBeNull();
    expect(li!.querySelector('[data-testid="status-unregistered"]')?.textContent).toBe("未登记");
    expect(li!.querySelector('[data-testid="key-register-open"]')?.textContent?.trim()).toBe("登记密钥…");
    expect(li!.dataset.registered).toBe("");

    setLang("en");
    await waitFor(() => expect(li!.querySelector('[data-testid="status-unregistered"]')?.textContent).toBe("Not registered"));
  });
});
