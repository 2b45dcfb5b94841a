import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import { ipcError, qrCheck, qrText } from "$lib/testing/fixtures";
import { currentError } from "$lib/ui/errors.svelte";
import CheckQrCode from "./CheckQrCode.svelte";
import { freshPage } from "$lib/testing/page";

const mismatch = qrCheck({
  genuine: false,
  reason_zh: "签发密钥的指纹 DD74-02B0-A422-1589-F3EA 与公示中的 0000-0000-0000-0000-0000 不符：证书不是该单位签发的",
  reason_en: "signed by key DD74-02B0-A422-1589-F3EA, not by 0000-0000-0000-0000-0000 as the announcement prints",
});

const noQrCode = ipcError(
  "bad_input",
  "无法从图片中读出证书二维码（no QR code found）：请用清晰的 PNG 图片",
  "no certificate QR code could be read from the image (no QR code found): use a clear PNG",
);

let ipc: MockedCommands;
/// What the shell's own dialog yields next: a photo's name, a photo without a QR code,
/// or nothing (cancelled).
let picked: "photo" | "blank" | null;

beforeEach(() => {
  freshPage();
  picked = "photo";
  ipc = mockCommands({
    check_certificate_qr: (args) => (args.fingerprint === null ? qrCheck() : mismatch),
    pick_certificate_qr: () => {
      if (picked === "blank") throw noQrCode;
      return picked === "photo" ? { file_name: "证书照片.png", text: qrText } : null;
    },
  });
});
afterEach(clearCommandMocks);

describe("checking a certificate's QR code", () => {
  it("checks pasted text and shows the certified words, the key's fingerprint and the code", async () => {
    render(CheckQrCode);
    const submit = screen.getByTestId("qr-submit") as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    // Nine lines, the signature's wrapping onto a tenth, all in view.
    expect((screen.getByTestId("qr-text") as HTMLTextAreaElement).rows).toBe(11);

    await fireEvent.input(screen.getByTestId("qr-text"), { target: { value: qrText } });
    await fireEvent.click(submit);
    const result = await screen.findByTestId("qr-result");
    // Nothing typed: the shell decides which key to compare with, so the UI sends null.
    expect(ipc.callsOf("check_certificate_qr")[0]?.args).toEqual({ text: qrText, fingerprint: null });
    expect(result.dataset.genuine).toBe("true");
    expect(result.textContent).toContain("核验通过");
    expect(screen.getByTestId("qr-reason").textContent).toBe("证书真实有效");
    expect(screen.getByTestId("qr-serial").textContent).toBe("PD2026-01-003");
    expect(screen.getByTestId("qr-name").textContent).toBe("欧阳䶮");
    for (const word of ["江北师范大学", "大学生党员标兵", "2026"]) expect(result.textContent).toContain(word);
    expect(screen.getByTestId("qr-key-fingerprint").textContent).toBe("DD74-02B0-A422-1589-F3EA");
    expect(screen.getByTestId("qr-code").textContent).toBe("7K2QX-M9TAB");
  });

  it("sends the typed fingerprint, clears a verdict when the input changes, and says why it refuses", async () => {
    render(CheckQrCode);
    await fireEvent.input(screen.getByTestId("qr-text"), { target: { value: qrText } });
    await fireEvent.click(screen.getByTestId("qr-submit"));
    await screen.findByTestId("qr-result");

    await fireEvent.input(screen.getByTestId("qr-fingerprint"), { target: { value: " 0000-0000-0000-0000-0000 " } });
    expect(screen.queryByTestId("qr-result")).toBeNull();
    await fireEvent.click(screen.getByTestId("qr-submit"));
    await waitFor(() => expect(screen.getByTestId("qr-result").dataset.genuine).toBe("false"));
    expect(ipc.callsOf("check_certificate_qr")[1]?.args).toEqual({
      text: qrText,
      fingerprint: "0000-0000-0000-0000-0000",
    });
    const result = screen.getByTestId("qr-result");
    expect(result.textContent).toContain("未能证实此证书");
    expect(screen.getByTestId("qr-reason").textContent).toContain("不符");

    setLang("en");
    await Promise.resolve();
    expect(screen.getByTestId("qr-result").textContent).toContain("Not confirmed as genuine");
    expect(screen.getByTestId("qr-reason").textContent).toContain("as the announcement prints");
  });

  it("reads the QR code of a photo picked in the shell's own dialog, shows its text and checks it", async () => {
    render(CheckQrCode);
    await fireEvent.click(screen.getByTestId("qr-photo"));
    const result = await screen.findByTestId("qr-result");
    // The page asks for a photo by the dialog's title only; it never names a path.
    expect(ipc.callsOf("pick_certificate_qr")[0]?.args).toEqual({ title: "选择证书照片或扫描件（PNG）" });
    expect((screen.getByTestId("qr-text") as HTMLTextAreaElement).value).toBe(qrText);
    expect(screen.getByTestId("qr-photo-read").textContent).toContain("证书照片.png");
    expect(ipc.callsOf("check_certificate_qr")[0]?.args).toEqual({ text: qrText, fingerprint: null });
    expect(result.dataset.genuine).toBe("true");
  });

  it("does nothing when the dialog is cancelled, and reports a photo without a QR code", async () => {
    picked = null;
    render(CheckQrCode);
    await fireEvent.click(screen.getByTestId("qr-photo"));
    await waitFor(() => expect((screen.getByTestId("qr-photo") as HTMLButtonElement).disabled).toBe(false));
    expect(ipc.callsOf("check_certificate_qr")).toEqual([]);

    picked = "blank";
    await fireEvent.click(screen.getByTestId("qr-photo"));
    await waitFor(() => expect(currentError()?.code).toBe("bad_input"));
    expect(currentError()?.message_zh).toContain("无法从图片中读出证书二维码");
    expect(ipc.callsOf("check_certificate_qr")).toEqual([]);
    expect(screen.queryByTestId("qr-result")).toBeNull();
    expect((screen.getByTestId("qr-text") as HTMLTextAreaElement).value).toBe("");
  });
});
