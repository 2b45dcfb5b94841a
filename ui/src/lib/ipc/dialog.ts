//! Native file dialogs. Only this folder talks to Tauri; the rest of the UI asks here.

import { save } from "@tauri-apps/plugin-dialog";

export interface SaveFileRequest {
  /** The dialog's window title. */
  title: string;
  /** The suggested file name (or full path). */
  defaultPath: string;
  /** What the file type is called in the dialog's filter list, e.g. "PanelDesk 评审文件". */
  filterName: string;
  /** Extensions without the dot, e.g. `["pdreview"]`. */
  extensions: string[];
}

/** Asks the user where to save a file: the chosen path, or `null` if they cancelled. */
export async function chooseSavePath(request: SaveFileRequest): Promise<string | null> {
  const path = await save({
    title: request.title,
    defaultPath: request.defaultPath,
    filters: [{ name: request.filterName, extensions: request.extensions }],
  });
  return path ?? null;
}
