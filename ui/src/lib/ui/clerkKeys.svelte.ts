// Whether the clerk's keys are unlocked for this session. One copy for the whole page,
// so unlocking before building a package also opens receiving and printing.
import { clerkKeysStatus } from "$lib/ipc/commands";
import type { ClerkKeysStatus } from "$lib/ipc/types";

export const clerkKeys = $state<{ status: ClerkKeysStatus | null }>({ status: null });

export async function refreshClerkKeys(): Promise<void> {
  clerkKeys.status = await clerkKeysStatus();
}

export function setClerkKeys(status: ClerkKeysStatus): void {
  clerkKeys.status = status;
}
