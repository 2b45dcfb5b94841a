//! Rejections from `invoke` carry an `IpcError` when a command fails in the core; the
//! bridge itself (an unknown command, a dialog failure) rejects with a bare string or an
//! `Error`. `toIpcError` gives the UI one shape to show in every case.

import { messages } from "$lib/i18n/messages";
import type { IpcError } from "./types";

/** The code of errors that did not come from the core as an `IpcError`. */
export const UNEXPECTED = "unexpected";

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === "string" &&
    typeof v.message_zh === "string" &&
    typeof v.message_en === "string"
  );
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message || value.name;
  if (typeof value === "string") return value;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // Cyclic or otherwise unserialisable: fall through.
  }
  return String(value);
}

export function toIpcError(value: unknown): IpcError {
  if (isIpcError(value)) return value;
  const detail = describe(value);
  return {
    code: UNEXPECTED,
    message_zh: messages["zh-CN"]["error.unexpected"].replace("{detail}", detail),
    message_en: messages.en["error.unexpected"].replace("{detail}", detail),
  };
}
