//! The error the banner shows: the latest failed command, until dismissed.

import { toIpcError } from "$lib/ipc/errors";
import type { IpcError } from "$lib/ipc/types";

const state = $state<{ current: IpcError | null }>({ current: null });

export function currentError(): IpcError | null {
  return state.current;
}

/** Shows any rejection from a command in the error banner. */
export function reportError(error: unknown): void {
  const shown = toIpcError(error);
  state.current = shown;
  console.error(`[${shown.code}] ${shown.message_en}`, error);
}

export function dismissError(): void {
  state.current = null;
}
