//! One command run from a button or a form: busy while it runs (so the control can be
//! disabled and marked aria-busy), and its refusal either kept here, to be shown beside the
//! form in the core's words (`errorText`, Chinese or English), or sent to the error banner.

import { toIpcError } from "$lib/ipc/errors";
import type { IpcError } from "$lib/ipc/types";
import { reportError } from "./errors.svelte";

/** Which refusals stay beside the form: all of them, none (all go to the banner), or some codes. */
export type Inline = boolean | ReadonlySet<string>;

export class Task {
  busy = $state(false);
  /** The latest refusal kept inline; cleared when the task runs again. */
  error = $state<IpcError | null>(null);
  readonly #inline: Inline;

  constructor(inline: Inline = false) {
    this.#inline = inline;
  }

  /**
   * Runs `work` unless it is already running. Resolves `true` when it finished, `false` when
   * it was refused (or not started); never rejects.
   */
  async run(work: () => Promise<unknown>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      await work();
      return true;
    } catch (caught) {
      const error = toIpcError(caught);
      const inline = typeof this.#inline === "boolean" ? this.#inline : this.#inline.has(error.code);
      if (inline) this.error = error;
      else reportError(caught);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Whether the kept refusal is one of these codes (to mark the field it is about). */
  refused(codes?: ReadonlySet<string>): boolean {
    return this.error !== null && (codes === undefined || codes.has(this.error.code));
  }
}
