//! What tests get for `vi.mock("$lib/ipc/dialog")`: the shell's file dialogs as mocks, each
//! answered by the test (`vi.mocked(chooseSaveFile).mockResolvedValue(...)`).

import { vi } from "vitest";
import type * as dialog from "../dialog";

export type { Picked, SaveFileRequest, OpenFilesRequest } from "../dialog";

export const chooseOpenFiles = vi.fn<typeof dialog.chooseOpenFiles>();
export const chooseFolder = vi.fn<typeof dialog.chooseFolder>();
export const chooseSaveFile = vi.fn<typeof dialog.chooseSaveFile>();
export const chooseSaveFolder = vi.fn<typeof dialog.chooseSaveFolder>();
