//! Test support: what the results tab reads when it opens, answered with the usual
//! fixtures. Tests pass the commands they look at (or answer differently) as overrides.

import type { CommandHandler } from "$lib/ipc/mock";
import { certificatePreviewFixture, certificateTemplateFixture, expertStatusFixture, reviewResultsFixture } from "./fixtures";

export function resultsTabHandlers(overrides: Record<string, CommandHandler> = {}): Record<string, CommandHandler> {
  return {
    expert_status: () => expertStatusFixture(),
    paper_status: () => [],
    expert_keys: () => [],
    review_results: () => reviewResultsFixture(),
    meeting_ballots: () => [],
    certificate_template: () => certificateTemplateFixture(),
    certificate_preview: () => certificatePreviewFixture(),
    follow_up_stage: () => null,
    ...overrides,
  };
}
