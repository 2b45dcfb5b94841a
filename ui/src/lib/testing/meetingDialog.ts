//! Test support for the 会评 (meeting) ballots on the results tab: the tab shown on its results
//! step, the meeting dialog opened on the tied category (case_university), and a ballot the
//! list shows opened for its count. Answer the tab's commands first (`resultsTabHandlers`).

import { fireEvent, render, screen } from "@testing-library/svelte";
import ResultsTab from "$lib/results/ResultsTab.svelte";
import { review } from "./fixtures";

export async function showResults(): Promise<void> {
  render(ResultsTab, { review });
  // The results have a step of their own in the tab.
  await fireEvent.click(await screen.findByTestId("results-step-results"));
  await screen.findAllByTestId("results-table");
}

/** The meeting dialog for the tied category. */
export async function openMeeting(): Promise<HTMLElement> {
  const open = screen.getAllByTestId("meeting-open").find((b) => b.dataset.category === "case_university")!;
  await fireEvent.click(open);
  return screen.findByTestId("meeting-dialog");
}

/** The results shown, and the one ballot listed opened for its count; resolves to `testid`. */
export async function openBallotCount(testid: string): Promise<HTMLElement> {
  await showResults();
  await fireEvent.click(await screen.findByTestId("meeting-count-open"));
  return screen.findByTestId(testid);
}
