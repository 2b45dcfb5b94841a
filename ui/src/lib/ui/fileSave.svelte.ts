//! A button that writes one file where the user chooses (`saveFile`) and then says what it
//! wrote: a Task, so busy while it runs and its refusals kept or reported as Task does, that
//! also keeps the written file's name and size for the notice beside the button.

import type { SaveFileRequest } from "$lib/ipc/dialog";
import { saveFile } from "./saveFile";
import { Task } from "./task.svelte";

export class FileSave extends Task {
  /** The file written last; cleared when another save starts (and by dismissing its notice). */
  saved = $state<{ name: string; bytes: number } | null>(null);

  /**
   * Asks where, then `write`s there, `write` answering the bytes written. Cancelling the
   * dialog writes nothing and is no refusal. Resolves as `Task.run` does.
   */
  async save(request: SaveFileRequest, write: (handle: string) => Promise<number>): Promise<boolean> {
    if (this.busy) return false;
    this.saved = null;
    return this.run(async () => {
      const saved = await saveFile(request, write);
      if (saved) this.saved = { name: saved.name, bytes: saved.result };
    });
  }
}
