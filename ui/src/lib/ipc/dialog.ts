//! File dialogs. The shell opens them itself and keeps what the user picked: the page gets
//! a handle and the file's name, and hands the handle to the command that reads or writes
//! the file. It never sees, nor sends, a path.

import { pickFiles, pickFolder, pickSaveFile, pickSaveFolder } from "./commands";
import type { Picked } from "./types";

export type { Picked };

export interface SaveFileRequest {
  /** The dialog's window title. */
  title: string;
  /** The suggested file name. */
  fileName: string;
  /** What the file type is called in the dialog's filter list, e.g. "PanelDesk 评审文件". */
  filterName: string;
  /** Extensions without the dot, e.g. `["pdreview"]`. */
  extensions: string[];
}

/** Asks the user where to save a file: a handle for writing it once, or `null` if they cancelled. */
export async function chooseSaveFile(request: SaveFileRequest): Promise<Picked | null> {
  return pickSaveFile(request.title, request.fileName, request.filterName, request.extensions);
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

/** Asks the user to pick one or more files to read: their handles, or `null` if they cancelled. */
export async function chooseOpenFiles(request: OpenFilesRequest): Promise<Picked[] | null> {
  const picked = await pickFiles(request.title, request.filterName, request.extensions, request.multiple ?? true);
  return picked.length > 0 ? picked : null;
}

/** Asks the user to pick a folder to read from: its handle, or `null` if they cancelled. */
export async function chooseFolder(request: { title: string }): Promise<Picked | null> {
  return pickFolder(request.title);
}

/** Asks the user to pick a folder to save into: its handle, or `null` if they cancelled. */
export async function chooseSaveFolder(request: { title: string }): Promise<Picked | null> {
  return pickSaveFolder(request.title);
}
