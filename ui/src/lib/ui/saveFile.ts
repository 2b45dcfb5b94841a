//! Writing a file where the user chooses: the shell's save dialog, then the command that
//! writes through the handle it answered. The page never sees a path, only the name.

import { chooseSaveFile, type SaveFileRequest } from "$lib/ipc/dialog";

/** What was written: the file's name as the dialog chose it, and the command's answer. */
export interface Saved<T> {
  name: string;
  result: T;
}

/** Asks where to save, then `write`s there; `null` when the user cancelled the dialog. */
export async function saveFile<T>(request: SaveFileRequest, write: (handle: string) => Promise<T>): Promise<Saved<T> | null> {
  const destination = await chooseSaveFile(request);
  if (destination === null) return null;
  return { name: destination.name, result: await write(destination.handle) };
}
