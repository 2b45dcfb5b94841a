//! Test support: a review held in memory the way the core holds it. `open_review` answers
//! with it, and the handlers given may change it and answer with the whole review, as the
//! real setup commands do. Cloned both ways: the real bridge hands over JSON, never a
//! shared object.

import { mockCommands, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { Nomination, ReviewOutline } from "$lib/ipc/types";
import { pageOf } from "./nominationPages";

export interface ReviewMock {
  ipc: MockedCommands;
  /** What the "core" holds now; tests may change it between calls. */
  stored: ReviewOutline;
}

export function mockReview(
  start: ReviewOutline,
  handlers: (stored: ReviewOutline) => Record<string, CommandHandler>,
  nominations: readonly Nomination[] = [],
): ReviewMock {
  const stored = structuredClone(start);
  const ipc = mockCommands({
    open_review: () => structuredClone(stored),
    nomination_page: (args) => structuredClone(pageOf(nominations, args)),
    follow_up_stage: () => null,
    list_flags: () => [],
    ...handlers(stored),
  });
  return { ipc, stored };
}
