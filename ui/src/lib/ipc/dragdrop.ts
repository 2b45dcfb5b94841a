//! Files and folders dragged from the file manager onto the window. The webview reports
//! real paths (a browser `drop` event would only give file names), so this goes through Tauri.

import { getCurrentWebview } from "@tauri-apps/api/webview";

export interface FileDropHandlers {
  /** Files are being dragged over the window. */
  onenter?: () => void;
  /** The drag left the window or was cancelled. */
  onleave?: () => void;
  /** The paths that were dropped (files and folders as the file manager gave them). */
  ondrop: (paths: string[]) => void;
}

/** Starts listening for dropped files; resolves to the function that stops listening. */
export async function listenForFileDrops(handlers: FileDropHandlers): Promise<() => void> {
  return getCurrentWebview().onDragDropEvent((event) => {
    const payload = event.payload;
    if (payload.type === "enter") handlers.onenter?.();
    else if (payload.type === "leave") handlers.onleave?.();
    else if (payload.type === "drop") {
      handlers.onleave?.();
      if (payload.paths.length > 0) handlers.ondrop(payload.paths);
    }
  });
}
