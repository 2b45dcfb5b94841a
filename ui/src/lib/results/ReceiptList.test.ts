import { render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { receipts } from "$lib/testing/fixtures";
import ReceiptList from "./ReceiptList.svelte";

beforeEach(() => setLang("zh-CN"));

describe("the receipts of a batch of result files", () => {
  it("warns when a file answers a package that was built again, and only then", () => {
    const late = { ...receipts[0]!, superseded: true } as (typeof receipts)[number];
    render(ReceiptList, { receipts: [late, receipts[0]!] });
    const warnings = screen.getAllByTestId("receipt-superseded");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.textContent).toContain("不计入评审结果");
  });
});
