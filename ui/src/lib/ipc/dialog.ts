//! Native file dialogs. Only this folder talks to Tauri; the rest of the UI asks here.

import { open, save } from "@tauri-apps/plugin-dialog";

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

export interface OpenFilesRequest {
  /** The dialog's window title. */
  title: string;
  /** What the file types are called in the dialog's filter list, e.g. "Excel 工作簿". */
  filterName: string;
  /** Extensions without the dot, e.g. `["xlsx", "xls", "ods"]`. */
  extensions: string[];
  /** `false` lets the user pick only one file; more than one by default. */
  multiple?: boolean;
}

/** Asks the user to pick one or more files: their paths, or `null` if they cancelled. */
export async function chooseOpenFiles(request: OpenFilesRequest): Promise<string[] | null> {
  const picked = await open({
    title: request.title,
    multiple: request.multiple ?? true,
    directory: false,
    filters: [{ name: request.filterName, extensions: request.extensions }],
  });
  if (picked === null) return null;
  const paths = Array.isArray(picked) ? picked : [picked];
  return paths.length > 0 ? paths : null;
}

/** Asks the user to pick a folder: its path, or `null` if they cancelled. */
export async function chooseFolder(request: { title: string }): Promise<string | null> {
  const picked = await open({ title: request.title, directory: true, multiple: false });
  if (picked === null) return null;
  return Array.isArray(picked) ? (picked[0] ?? null) : picked;
}
