//! The activities the core has templates for, as the forms that pick one (a new review, a
//! follow-up review, a spot check's draw) list them.

import { listActivities } from "$lib/ipc/commands";
import type { ActivityInfo } from "$lib/ipc/types";
import { reportError } from "$lib/ui/errors.svelte";

/** The core's activities, or none when it could not list them: the banner says why, and the form stops waiting. */
export async function activitiesOrNone(): Promise<ActivityInfo[]> {
  try {
    return await listActivities();
  } catch (error) {
    reportError(error);
    return [];
  }
}
