//! Files and folders dragged from the file manager onto the window. The shell hears the
//! native drop, keeps the dropped paths and tells the page only their handles and names.

import { listen } from "@tauri-apps/api/event";
import type { FileDrop, Picked } from "./types";

/** The event the shell emits (src-tauri/src/picked.rs FILE_DROP_EVENT). */
export const FILE_DROP_EVENT = "paneldesk://file-drop";

export interface FileDropHandlers {
  /** Files are being dragged over the window. */
  onenter?: () => void;
  /** The drag left the window or was cancelled. */
  onleave?: () => void;
  /** What was dropped (files and folders as the file manager gave them). */
  ondrop: (files: Picked[]) => void;
}

/** Starts listening for dropped files; resolves to the function that stops listening. */
export async function listenForFileDrops(handlers: FileDropHandlers): Promise<() => void> {
  return listen<FileDrop>(FILE_DROP_EVENT, (event) => {
    const payload = event.payload;
    if (payload.kind === "enter") handlers.onenter?.();
    else if (payload.kind === "leave") handlers.onleave?.();
    else if (payload.kind === "drop") {
      handlers.onleave?.();
      if (payload.files.length > 0) handlers.ondrop(payload.files);
    }
  });
}
