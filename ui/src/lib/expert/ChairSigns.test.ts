import { screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseOpenFiles, chooseSaveFolder } from "$lib/ipc/dialog";
import { CHAIR_FINGERPRINT, tallyShown, tallySigned } from "$lib/results/chairTallyFixtures";
import { PANEL_HASH, ipcError } from "$lib/testing/fixtures";
import { mockPanel } from "$lib/testing/panelMock";
import { PASSPHRASE, answerDialogs, byTestId, openBeforeEnrolment, openPanel, signWith } from "$lib/testing/signedFile";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

answerDialogs({ handle: "tally-file", name: "tally-ballot-9.pdtally" });

async function openTally() {
  await openPanel("chair-tally");
  return screen.findByTestId("chair-tally-shown");
}

describe("the chair confirms a meeting tally on their own laptop", () => {
  it("shows the ballot, every count and what it decides, from the file picked", async () => {
    const { ipc } = mockPanel({ handlers: { show_meeting_tally: () => tallyShown() } });
    const shown = await openTally();

    expect(vi.mocked(chooseOpenFiles)).toHaveBeenCalledWith({
      title: "选择工作人员交来的计票文件",
      filterName: "PanelDesk 计票文件",
      extensions: ["pdtally"],
      multiple: false,
    });
    expect(ipc.callsOf("show_meeting_tally").map((c) => c.args)).toEqual([{ file: "tally-file" }]);
    expect(shown.dataset.ballotId).toBe("9");
    expect(shown.textContent).toContain("2026年基层党建创新典型案例评审 · 会评表决 #9：学校党委层面案例");
    expect(shown.textContent).toContain("差额表决，应选 1 人");
    expect(byTestId("chair-tally-present").textContent).toBe("到会专家 7 人；计票人 王计票，监票人 赵监票");
    expect(byTestId("chair-tally-chair").textContent).toBe("组长：王喆");
    const rows = screen.getAllByTestId("chair-tally-row");
    expect(rows.map((r) => r.dataset.result)).toEqual(["in", "out"]);
    expect(rows[0]!.textContent).toContain("“三全育人”党建品牌");
    expect(rows[0]!.textContent).toContain("东川理工大学");
    expect(within(rows[0]!).getByText("5")).toBeTruthy();
    expect(rows[0]!.textContent).toContain("入选");
    expect(rows[1]!.textContent).toContain("不入选");
    // Not signed yet: the passphrase, and nothing signed.
    expect(byTestId<HTMLButtonElement>("chair-tally-sign").disabled).toBe(true);
    expect(screen.queryByTestId("chair-tally-already-signed")).toBeNull();

    setLang("en");
    await waitFor(() => expect(byTestId("chair-tally-present").textContent).toBe("7 experts present; counted by 王计票, witnessed by 赵监票"));
    expect(screen.getAllByTestId("chair-tally-row")[0]!.textContent).toContain("Selected · reached the pass mark");
  });

  it("signs with the passphrase into the folder picked, and says the file's name and the key", async () => {
    const { ipc } = mockPanel({
      handlers: { show_meeting_tally: () => tallyShown(), sign_meeting_tally: () => tallySigned() },
    });
    await openTally();
    await signWith("chair-tally", "chair-tally-sign");

    const done = await screen.findByTestId("chair-tally-done");
    expect(done.textContent).toContain("已签名并校验，保存为所选文件夹中的 tally-ballot-9-signed.pdtally");
    expect(byTestId("chair-tally-fingerprint").textContent).toBe(CHAIR_FINGERPRINT);
    expect(vi.mocked(chooseSaveFolder)).toHaveBeenCalledWith({ title: "选择保存签名计票文件的文件夹（例如 U 盘）" });
    expect(ipc.callsOf("sign_meeting_tally").map((c) => c.args)).toEqual([
      { hash: PANEL_HASH, file: "tally-file", passphrase: PASSPHRASE, folder: "stick" },
    ]);
    // The passphrase is not kept on screen.
    expect(screen.queryByTestId("chair-tally-passphrase")).toBeNull();
  });

  it("signs nothing when the folder dialog is cancelled", async () => {
    const { ipc } = mockPanel({ handlers: { show_meeting_tally: () => tallyShown(), sign_meeting_tally: () => tallySigned() } });
    vi.mocked(chooseSaveFolder).mockResolvedValueOnce(null);
    await openTally();
    await signWith("chair-tally", "chair-tally-sign");
    await waitFor(() => expect(vi.mocked(chooseSaveFolder)).toHaveBeenCalledTimes(1));
    expect(ipc.callsOf("sign_meeting_tally")).toHaveLength(0);
    expect(screen.queryByTestId("chair-tally-done")).toBeNull();
  });

  it("shows a wrong passphrase inline with its code, and marks the field", async () => {
    mockPanel({
      handlers: {
        show_meeting_tally: () => tallyShown(),
        sign_meeting_tally: () => {
          throw ipcError("wrong_passphrase", "口令不正确", "Wrong passphrase");
        },
      },
    });
    await openTally();
    await signWith("chair-tally", "chair-tally-sign", "not it at all");
    const error = await screen.findByTestId("chair-tally-error");
    expect(error.textContent).toContain("口令不正确");
    expect(byTestId("chair-tally-error-code").textContent).toContain("wrong_passphrase");
    expect(byTestId("chair-tally-passphrase").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByTestId("chair-tally-done")).toBeNull();
  });

  it("shows the core's refusal of a tally for someone else, and offers nothing to sign", async () => {
    mockPanel({
      handlers: {
        show_meeting_tally: () => {
          throw ipcError(
            "other_review",
            "tally-ballot-9.pdtally：属于另一个评审（2025-case-00000000）",
            "tally-ballot-9.pdtally: belongs to another review (2025-case-00000000)",
          );
        },
      },
    });
    await openPanel("chair-tally");
    const error = await screen.findByTestId("chair-tally-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("属于另一个评审");
    expect(byTestId("chair-tally-error-code").textContent).toContain("other_review");
    expect(screen.queryByTestId("chair-tally-shown")).toBeNull();
    expect(screen.queryByTestId("chair-tally-sign")).toBeNull();
  });

  it("says a file already signed is signed, and by which key", async () => {
    mockPanel({ handlers: { show_meeting_tally: () => tallyShown({ signed_by: CHAIR_FINGERPRINT }) } });
    await openTally();
    expect(byTestId("chair-tally-already-signed").textContent).toContain(CHAIR_FINGERPRINT);
  });

  it("stays closed when the file dialog is cancelled, and is offered only once enrolled", async () => {
    const { ipc } = mockPanel();
    vi.mocked(chooseOpenFiles).mockResolvedValueOnce(null);
    await openPanel("chair-tally");
    await waitFor(() => expect(vi.mocked(chooseOpenFiles)).toHaveBeenCalledTimes(1));
    expect(ipc.callsOf("show_meeting_tally")).toHaveLength(0);
    expect(screen.getByTestId("chair-tally-open")).toBeTruthy();
    expect(screen.queryByTestId("chair-tally-panel")).toBeNull();
  });
});

describe("before enrolment", () => {
  it("offers no tally to sign", async () => {
    await openBeforeEnrolment();
    expect(screen.queryByTestId("chair-tally-open")).toBeNull();
  });
});
