import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseOpenFiles, chooseSaveFolder } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { MeetingBallot } from "$lib/ipc/types";
import { ipcError, review } from "$lib/testing/fixtures";
import { openBallotCount, openMeeting, showResults } from "$lib/testing/meetingDialog";
import { freshPage } from "$lib/testing/page";
import {
  CHAIR_FINGERPRINT,
  TALLY_SHA256,
  chairTally,
  chairedCategoryHandlers,
  chairedBallot,
  confirmedBallot,
  tallyConfirmed,
  tallyWritten,
} from "./chairTallyFixtures";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

let ipc: MockedCommands;
let ballots: MeetingBallot[];

function mock(overrides: Record<string, CommandHandler> = {}) {
  ipc = mockCommands(
    chairedCategoryHandlers(() => ballots, {
      open_meeting_ballot: (args) => {
        const ballot = args.chair === null ? chairedBallot({ chair: undefined }) : chairedBallot();
        ballots = [ballot];
        return ballot;
      },
      write_meeting_tally: () => tallyWritten(),
      confirm_meeting_tally: () => {
        ballots = [confirmedBallot()];
        return tallyConfirmed();
      },
      ...overrides,
    }),
  );
}

beforeEach(() => {
  freshPage({ clerkUnlocked: true });
  vi.mocked(chooseSaveFolder).mockReset();
  vi.mocked(chooseOpenFiles).mockReset();
  ballots = [];
  mock();
});
afterEach(clearCommandMocks);

const byTestId = <T extends HTMLElement = HTMLInputElement>(id: string) => screen.getByTestId(id) as unknown as T;
const countInput = (id: number) =>
  screen.getAllByTestId("meeting-count").find((el) => el.dataset.nominationId === String(id)) as HTMLInputElement;

/** The chaired ballot, listed and opened for its count. */
async function countChairedBallot() {
  ballots = [chairedBallot()];
  return openBallotCount("meeting-dialog");
}

async function fillTally() {
  await fireEvent.input(byTestId("meeting-present"), { target: { value: "7" } });
  await fireEvent.input(countInput(14), { target: { value: "5" } });
  await fireEvent.input(countInput(15), { target: { value: "2" } });
  await fireEvent.input(byTestId("meeting-counted-by"), { target: { value: "王计票" } });
  await fireEvent.input(byTestId("meeting-witnessed-by"), { target: { value: "赵监票" } });
}

describe("opening a ballot with a chair", () => {
  it("offers only experts whose key is in force, and opens without a chair by default", async () => {
    await showResults();
    await openMeeting();
    expect(byTestId("meeting-voting-room").checked).toBe(true);
    expect(screen.queryByTestId("meeting-chair")).toBeNull();
    await fireEvent.click(byTestId("meeting-voting-chair"));
    const select = byTestId<HTMLSelectElement>("meeting-chair");
    const options = [...select.options].map((o) => [o.value, o.textContent?.trim()]);
    expect(options).toEqual([["1", `王喆（密钥 ${CHAIR_FINGERPRINT}）`]]);
    expect(select.value).toBe("1");
    const group = byTestId("meeting-voting-chair").closest("fieldset")!;
    const hint = document.getElementById(group.getAttribute("aria-describedby")!)!;
    expect(hint.textContent).toContain("只以组长在其本人电脑上用登记密钥签名确认的计票文件计票");

    await fireEvent.click(byTestId("meeting-voting-room"));
    await fireEvent.click(byTestId("meeting-setup-confirm"));
    await screen.findByTestId("meeting-ballot");
    expect(ipc.callsOf("open_meeting_ballot")[0]?.args).toMatchObject({ chair: null });
    // Without a chair the count is typed and recorded as before.
    expect(screen.getByTestId("meeting-tally-confirm").textContent?.trim()).toBe("记录计票结果");
    expect(screen.queryByTestId("chair-tally")).toBeNull();
  });

  it("sends the chosen chair, and the ballot then asks for the chair's signed tally", async () => {
    await showResults();
    await openMeeting();
    await fireEvent.click(byTestId("meeting-voting-chair"));
    await fireEvent.change(byTestId<HTMLSelectElement>("meeting-chair"), { target: { value: "1" } });
    await fireEvent.click(byTestId("meeting-setup-confirm"));
    await screen.findByTestId("meeting-ballot");
    expect(ipc.callsOf("open_meeting_ballot")[0]?.args).toMatchObject({
      reviewId: review.id,
      categoryKey: "case_university",
      chair: 1,
    });
    expect(byTestId<HTMLElement>("meeting-ballot-chair").textContent).toBe("组长：王喆");
    expect(screen.getByTestId("tally-write-confirm").textContent?.trim()).toBe("写出计票文件…");
    expect(screen.getByTestId("tally-confirm").textContent?.trim()).toBe("导入组长签名的计票文件…");
    expect(screen.queryByTestId("meeting-tally-confirm")).toBeNull();
  });

  it("says no one can chair while no key is registered", async () => {
    mock({ expert_keys: () => [] });
    await showResults();
    await openMeeting();
    expect(byTestId("meeting-voting-chair").disabled).toBe(true);
    expect(screen.queryByTestId("meeting-chair")).toBeNull();
    expect(screen.getByTestId("meeting-dialog").textContent).toContain("尚无已登记密钥的专家，不能指定组长。");
  });
});

describe("a chaired ballot's count", () => {
  it("writes the tally typed into the folder picked, and never counts it as typed", async () => {
    vi.mocked(chooseSaveFolder).mockResolvedValue({ handle: "stick", name: "U盘" });
    const dialog = await countChairedBallot();
    expect(within(dialog).getByTestId("chair-tally").textContent).toContain("本表决由组长 王喆 确认");
    await fillTally();
    await fireEvent.click(byTestId("tally-write-confirm"));

    const written = await screen.findByTestId("tally-written");
    expect(written.textContent).toContain("已写出 tally-ballot-9.pdtally，请交组长 王喆 核对签名");
    expect(written.textContent).toContain(TALLY_SHA256);
    expect(vi.mocked(chooseSaveFolder)).toHaveBeenCalledWith({ title: "选择保存计票文件的文件夹（例如 U 盘）" });
    expect(ipc.callsOf("write_meeting_tally").map((c) => c.args)).toEqual([
      {
        reviewId: review.id,
        ballotId: 9,
        folder: "stick",
        tally: chairTally(),
      },
    ]);
    expect(ipc.callsOf("count_meeting_ballot")).toHaveLength(0);
    // Not counted yet: the dialog still waits for the signed file.
    expect(screen.queryByTestId("meeting-outcome")).toBeNull();
  });

  it("writes nothing when the folder dialog is cancelled, and shows the core's refusal with its code", async () => {
    vi.mocked(chooseSaveFolder).mockResolvedValueOnce(null);
    await countChairedBallot();
    await fillTally();
    await fireEvent.click(byTestId("tally-write-confirm"));
    await waitFor(() => expect(vi.mocked(chooseSaveFolder)).toHaveBeenCalledTimes(1));
    expect(ipc.callsOf("write_meeting_tally")).toHaveLength(0);
    expect(screen.queryByTestId("tally-written")).toBeNull();

    mock({
      write_meeting_tally: () => {
        throw ipcError("bad_input", "输入有误：到会专家人数应在 1 到 7 之间", "Invalid input: experts present must be 1 to 7");
      },
    });
    vi.mocked(chooseSaveFolder).mockResolvedValue({ handle: "stick", name: "U盘" });
    await fireEvent.click(byTestId("tally-write-confirm"));
    const error = await screen.findByTestId("tally-write-error");
    expect(error.textContent).toContain("到会专家人数应在 1 到 7 之间");
    expect(error.textContent).toContain("bad_input");
  });

  it("counts from the signed file the clerk picks, and says who confirmed it with which key", async () => {
    vi.mocked(chooseOpenFiles).mockResolvedValue([{ handle: "signed-file", name: "tally-ballot-9-signed.pdtally" }]);
    await countChairedBallot();
    await fireEvent.click(byTestId("tally-confirm"));

    const confirmed = await screen.findByTestId("tally-confirmed");
    expect(confirmed.textContent).toContain(`已按组长 王喆 签名确认的计票文件计票（密钥指纹 ${CHAIR_FINGERPRINT}）`);
    expect(vi.mocked(chooseOpenFiles)).toHaveBeenCalledWith({
      title: "选择组长签名的计票文件",
      filterName: "PanelDesk 计票文件",
      extensions: ["pdtally"],
      multiple: false,
    });
    expect(ipc.callsOf("confirm_meeting_tally").map((c) => c.args)).toEqual([
      { reviewId: review.id, ballotId: 9, file: "signed-file" },
    ]);
    const entries = screen.getAllByTestId("meeting-outcome-entry").map((e) => e.dataset.result);
    expect(entries).toEqual(["in", "out"]);
    // The list reads the ballots again: confirmed by the chair.
    await waitFor(() =>
      expect(screen.getByTestId("meeting-chair-state").textContent).toContain(`组长已签名确认（指纹 ${CHAIR_FINGERPRINT}）`),
    );
  });

  it("shows a refused signed file inline, with its code, and counts nothing", async () => {
    vi.mocked(chooseOpenFiles).mockResolvedValue([{ handle: "forged", name: "tally-ballot-9-signed.pdtally" }]);
    mock({
      confirm_meeting_tally: () => {
        throw ipcError(
          "key_not_registered",
          "tally-ballot-9-signed.pdtally：签名密钥未在本评审登记",
          "tally-ballot-9-signed.pdtally: signed by a key not registered in this review",
        );
      },
    });
    await countChairedBallot();
    await fireEvent.click(byTestId("tally-confirm"));
    const error = await screen.findByTestId("tally-confirm-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("签名密钥未在本评审登记");
    expect(screen.getByTestId("tally-confirm-error-code").textContent).toContain("key_not_registered");
    expect(screen.getByTestId("tally-confirm").getAttribute("aria-describedby")).toBe(error.id);
    expect(screen.queryByTestId("tally-confirmed")).toBeNull();
    expect(screen.queryByTestId("meeting-outcome")).toBeNull();

    setLang("en");
    await waitFor(() => expect(screen.getByTestId("tally-confirm-error").textContent).toContain("not registered in this review"));
    setLang("zh-CN");
  });

  it("does nothing when the clerk cancels picking the signed file", async () => {
    vi.mocked(chooseOpenFiles).mockResolvedValue(null);
    await countChairedBallot();
    await fireEvent.click(byTestId("tally-confirm"));
    await waitFor(() => expect(vi.mocked(chooseOpenFiles)).toHaveBeenCalledTimes(1));
    expect(ipc.callsOf("confirm_meeting_tally")).toHaveLength(0);
    expect(screen.queryByTestId("tally-confirm-error")).toBeNull();
  });
});

describe("the list of ballots", () => {
  it("says a chaired ballot awaits its chair, and once counted that the chair signed it", async () => {
    ballots = [chairedBallot(), { ...confirmedBallot(), id: 10 }, chairedBallot({ id: 11, chair: undefined })];
    await showResults();
    const rows = await screen.findAllByTestId("meeting-ballot-row");
    const state = (row: HTMLElement) => within(row).queryByTestId("meeting-chair-state");
    expect(state(rows[0]!)?.dataset.state).toBe("awaiting");
    expect(state(rows[0]!)?.textContent).toContain("待组长签名确认（组长：王喆）");
    expect(state(rows[1]!)?.dataset.state).toBe("confirmed");
    expect(state(rows[1]!)?.textContent).toContain(`组长已签名确认（指纹 ${CHAIR_FINGERPRINT}）`);
    expect(state(rows[2]!)).toBeNull();

    setLang("en");
    await waitFor(() => expect(state(rows[0]!)?.textContent).toContain("Awaiting the chair's signature (chair: 王喆)"));
    expect(state(rows[1]!)?.textContent).toContain(`Signed by the chair (fingerprint ${CHAIR_FINGERPRINT})`);
    setLang("zh-CN");
  });
});
