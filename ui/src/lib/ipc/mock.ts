//! Test support: answers commands from handlers instead of the Rust core, and records
//! every call. Lives here because only `lib/ipc/` may touch `@tauri-apps/api`.

import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";

export type CommandArgs = Record<string, unknown>;
/** Returns the command's answer; throw an `IpcError`-shaped object to reject. */
export type CommandHandler = (args: CommandArgs) => unknown;

export interface CommandCall {
  command: string;
  args: CommandArgs;
}

export interface MockedCommands {
  calls: CommandCall[];
  /** The calls of one command, in order. */
  callsOf(command: string): CommandCall[];
}

/** Handlers by the Rust command name (`list_reviews`, not `listReviews`). */
export function mockCommands(handlers: Record<string, CommandHandler>): MockedCommands {
  const calls: CommandCall[] = [];
  mockIPC((command, payload) => {
    const args =
      payload && typeof payload === "object" && !Array.isArray(payload) && !ArrayBuffer.isView(payload)
        ? (payload as CommandArgs)
        : {};
    calls.push({ command, args });
    const handler = handlers[command];
    if (!handler) throw `no mock for command ${command}`;
    return handler(args);
  }, { shouldMockEvents: true });
  return {
    calls,
    callsOf: (command) => calls.filter((c) => c.command === command),
  };
}

export function clearCommandMocks(): void {
  clearMocks();
}

/** Delivers an event to the page's listeners as if the shell had emitted it. */
export async function emitShellEvent(event: string, payload: unknown): Promise<void> {
  await emit(event, payload);
}
