//! Test support for a file the clerk hands over and the expert signs on their own laptop (the
//! chair's tally, an expert's vote; lib/expert/SignedFilePanel.svelte): each test on a fresh
//! page with the shell's dialogs answered — the file picked, a stick to save onto — and the
//! panel opened, signed, or looked for before enrolment. The test file itself mocks the
//! dialogs: `vi.mock("$lib/ipc/dialog")`.

import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, vi } from "vitest";
import ExpertScreen from "$lib/expert/ExpertScreen.svelte";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseOpenFiles, chooseSaveFolder } from "$lib/ipc/dialog";
import { clearCommandMocks } from "$lib/ipc/mock";
import type { Picked } from "$lib/ipc/types";
import { openExpertScreen } from "./expertScreen";
import { PANEL_HASH, panelViewFixture } from "./fixtures";
import { freshPage } from "./page";
import { mockPanel } from "./panelMock";

export const PASSPHRASE = "amber lantern 7 orbits";

/** Every test of the file starts with `file` picked and a stick to save onto, and ends in Chinese. */
export function answerDialogs(file: Picked): void {
  beforeEach(() => {
    freshPage();
    vi.mocked(chooseOpenFiles).mockReset();
    vi.mocked(chooseSaveFolder).mockReset();
    vi.mocked(chooseOpenFiles).mockResolvedValue([file]);
    vi.mocked(chooseSaveFolder).mockResolvedValue({ handle: "stick", name: "U盘" });
  });
  afterEach(() => {
    setLang("zh-CN");
    clearCommandMocks();
  });
}

export const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => screen.getByTestId(id) as T;

/** The expert's screen, and the panel `testid` opened: its file dialog answered. */
export async function openPanel(testid: string): Promise<void> {
  await openExpertScreen();
  await fireEvent.click(byTestId(`${testid}-open`));
}

/** Types `passphrase` into the panel `testid` and presses its save button (`save`). */
export async function signWith(testid: string, save: string, passphrase: string = PASSPHRASE): Promise<void> {
  await fireEvent.input(byTestId(`${testid}-passphrase`), { target: { value: passphrase } });
  await fireEvent.click(byTestId(save));
}

/** The expert's screen on a panel this laptop has not enrolled on. */
export async function openBeforeEnrolment(): Promise<void> {
  mockPanel({ view: panelViewFixture({ enrolment: null }) });
  render(ExpertScreen, { hash: PANEL_HASH, onback: vi.fn() });
  await screen.findByTestId("panel-title");
}
