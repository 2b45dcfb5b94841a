//! The choices of a category's rule that both the rubric tab and the category settings offer.

import type { MessageKey } from "$lib/i18n/messages";
import type { VoteThreshold } from "$lib/ipc/types";

/** A vote category's pass mark, in the order offered. */
export const THRESHOLD_CHOICES: readonly { value: VoteThreshold; label: MessageKey }[] = [
  { value: "more_than_half", label: "settings.threshold.more_than_half" },
  { value: "two_thirds", label: "settings.threshold.two_thirds" },
];
