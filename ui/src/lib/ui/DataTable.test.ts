import { render, screen, within } from "@testing-library/svelte";
import { createRawSnippet } from "svelte";
import { describe, expect, it } from "vitest";
import DataTable from "./DataTable.svelte";

const rows = createRawSnippet(() => ({ render: () => `<tr data-testid="row"><td>南湖医科大学</td><td>3</td></tr>` }));

describe("a read-only table", () => {
  it("heads its columns, leaves out the optional ones not shown, and holds the rows in its body", () => {
    render(DataTable, {
      testid: "list",
      label: "推荐名单",
      class: "board",
      columns: ["单位", false, { label: "数量", class: "num", testid: "col-count" }],
      children: rows,
    });
    const table = screen.getByTestId("list");
    expect(table.tagName).toBe("TABLE");
    expect(table.classList.contains("data")).toBe(true);
    expect(table.classList.contains("board")).toBe(true);
    expect(table.parentElement?.classList.contains("table-wrap")).toBe(true);
    expect(screen.getByRole("table", { name: "推荐名单" })).toBe(table);
    const headings = within(table).getAllByRole("columnheader");
    expect(headings.map((th) => th.textContent)).toEqual(["单位", "数量"]);
    expect(headings.every((th) => th.getAttribute("scope") === "col")).toBe(true);
    expect(screen.getByTestId("col-count").classList.contains("num")).toBe(true);
    expect(table.querySelector("tbody")?.contains(screen.getByTestId("row"))).toBe(true);
  });

  it("takes heading cells that are more than words", () => {
    const head = createRawSnippet(() => ({ render: () => `<th scope="col"><input type="checkbox" aria-label="全选" /></th>` }));
    render(DataTable, { head, children: rows });
    expect(screen.getByRole("columnheader").querySelector("input")?.getAttribute("aria-label")).toBe("全选");
  });
});
