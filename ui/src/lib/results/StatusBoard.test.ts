import { render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { expertStatusFixture } from "$lib/testing/fixtures";
import StatusBoard from "./StatusBoard.svelte";

const headers = () => [...screen.getByTestId("status-board").querySelectorAll("thead th")].map((th) => th.textContent?.trim());

beforeEach(() => {
  localStorage.clear();
  setLang("zh-CN");
});

describe("the status board", () => {
  it("has no panel column when one panel scores the whole review", () => {
    render(StatusBoard, { statuses: expertStatusFixture() });
    expect(headers()).toEqual(["专家", "状态", "收取时间", "密钥指纹", "已评", "回避"]);
    expect(screen.queryByTestId("status-panel")).toBeNull();
  });

  it("names each row's panel first when the review has several panels", () => {
    const [wang, li] = expertStatusFixture();
    const statuses = [
      { ...wang!, panel: "第一组" },
      { ...li!, panel: "第一组" },
      { ...wang!, panel: "第二组", submitted: false, sequence: null, received_at: null, fingerprint: null, marked: 0, recused: 0 },
    ];
    render(StatusBoard, { statuses });
    expect(headers()).toEqual(["评审组", "专家", "状态", "收取时间", "密钥指纹", "已评", "回避"]);
    const rows = screen.getAllByTestId("status-row");
    expect(rows.map((row) => row.querySelector("td")?.textContent)).toEqual(["第一组", "第一组", "第二组"]);
    expect(rows[2]!.querySelector("th")?.textContent).toBe("王喆");
    expect(screen.getByTestId("status-count").textContent).toBe("已提交 1 / 3");
  });
});
