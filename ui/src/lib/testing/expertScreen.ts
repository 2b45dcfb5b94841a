//! Test support: the expert's screen opened on the test panel (answer its commands with
//! `mockPanel` first), and its grid's cells and rows found by nomination.

import { render, screen } from "@testing-library/svelte";
import { vi } from "vitest";
import ExpertScreen from "$lib/expert/ExpertScreen.svelte";
import { PANEL_HASH } from "./fixtures";

/** Opens the screen and waits for its grid. */
export async function openExpertScreen(): Promise<HTMLElement> {
  render(ExpertScreen, { hash: PANEL_HASH, onback: vi.fn() });
  return screen.findByTestId("score-grid");
}

/** The points cell of one nomination and criterion. */
export function scoreCell(nomination: number, criterion: string): HTMLInputElement {
  const found = screen
    .getAllByTestId("score-cell")
    .find((c) => c.dataset.nomination === String(nomination) && c.dataset.criterion === criterion);
  if (!found) throw new Error(`no score cell ${nomination}/${criterion}`);
  return found as HTMLInputElement;
}

/** One nomination's row in the grid. */
export function scoreRow(nomination: number): HTMLElement {
  const found = screen.getAllByTestId("score-row").find((r) => r.dataset.nomination === String(nomination));
  if (!found) throw new Error(`no row ${nomination}`);
  return found;
}
