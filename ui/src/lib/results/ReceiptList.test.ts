import { render, screen, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import type { Receipt } from "$lib/ipc/types";
import { receipts, SECOND_EXPERT_FINGERPRINT, unregisteredReceipt } from "$lib/testing/fixtures";
import ReceiptList from "./ReceiptList.svelte";

beforeEach(() => setLang("zh-CN"));

const accepted = receipts[0]! as Extract<Receipt, { outcome: "accepted" }>;

describe("the receipts of a batch of result files", () => {
  it("warns when a file answers a package that was built again, and only then", () => {
    render(ReceiptList, { receipts: [{ ...accepted, superseded: true }, accepted] });
    const warnings = screen.getAllByTestId("receipt-superseded");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.textContent).toContain("不计入评审结果");
  });

  it("says a correction that came first waits for its version, and which waiting ones now count", async () => {
    const waiting: Receipt = {
      outcome: "waiting",
      file: "/media/clerk/U盘/2026年基层党建创新典型案例评审-王喆-3.pdresult",
      expert: "王喆",
      sequence: 3,
      waiting_for: 2,
    };
    render(ReceiptList, { receipts: [waiting, { ...accepted, sequence: 2, released: [3] }, accepted] });
    const rows = screen.getAllByTestId("receipt");
    expect(rows.map((r) => r.dataset.outcome)).toEqual(["waiting", "accepted", "accepted"]);
    expect(screen.getByTestId("receipt-waiting").textContent).toContain("已保存：王喆，第 3 版；等待第 2 版到达后计入");
    const released = screen.getAllByTestId("receipt-released");
    expect(released).toHaveLength(1);
    expect(released[0]!.textContent).toContain("此前等待的第 3 版现已一并计入");
    expect(screen.getByTestId("receipts-summary").textContent?.trim()).toBe(
      "共 3 个文件：收取 2 个，待计入 1 个，已收取过 0 个，拒收 0 个",
    );

    setLang("en");
    await waitFor(() =>
      expect(screen.getByTestId("receipt-waiting").textContent).toContain("it counts once version 2 arrives"),
    );
  });

  it("shows why a bundle signed by an unregistered key is refused, and what to do", () => {
    render(ReceiptList, { receipts: [unregisteredReceipt] });
    const row = screen.getByTestId("receipt");
    expect(row.dataset.outcome).toBe("refused");
    expect(screen.getByTestId("receipt-message").textContent).toContain(`指纹 ${SECOND_EXPERT_FINGERPRINT}）未登记`);
    expect(row.textContent).toContain("key_not_registered");
    expect(screen.getByTestId("receipt-register-hint").textContent).toContain("签字确认单");
    expect(screen.getByTestId("receipts-summary").textContent?.trim()).toBe(
      "共 1 个文件：收取 0 个，已收取过 0 个，拒收 1 个",
    );
  });

  it("gives other refusals no registration hint", () => {
    render(ReceiptList, { receipts: [receipts[2]!] });
    expect(screen.queryByTestId("receipt-register-hint")).toBeNull();
  });
});
