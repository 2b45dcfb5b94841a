// Where the window loads a material from, and how the reader shows it. The shell serves
// materials on its own `material:` scheme (src-tauri/src/reader.rs), by package (the
// expert's panel) or review (the clerk's) and content hash, never by path, each verified
// against its hash before its first byte.

import type { MaterialInfo } from "$lib/ipc/types";

/** How the reader shows a material; `none`: it cannot, a copy is saved instead. */
export type ReaderKind = "pdf" | "image" | "text" | "docx" | "none";

/** Where a material is named: an expert's open panel (by package hash) or a review open on
 * the clerk's laptop (by review id). */
export type MaterialScope = "panel" | "review";

/** A .docx is read whole to be laid out; a larger one is saved out instead. */
export const DOCX_LIMIT = 50 * 1024 * 1024;

const IMAGES = new Set(["png", "jpg", "jpeg", "gif", "bmp", "webp"]);
const TEXT = new Set(["txt", "csv", "md"]);

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** By the file's name, as the import checked it against its content. */
export function kindOf(material: MaterialInfo): ReaderKind {
  const ext = extensionOf(material.file_name);
  if (ext === "pdf") return "pdf";
  if (IMAGES.has(ext)) return "image";
  if (TEXT.has(ext)) return "text";
  if (ext === "docx" && material.bytes <= DOCX_LIMIT) return "docx";
  return "none";
}

/** Why a material cannot be shown, as a message key. */
export function whyNot(material: MaterialInfo): "reader.cannot.video" | "reader.cannot.office" | "reader.cannot.other" {
  const ext = extensionOf(material.file_name);
  if (["mp4", "m4v", "mov", "3gp", "avi", "mkv", "webm", "wmv", "mpg", "mpeg", "flv"].includes(ext)) {
    return "reader.cannot.video";
  }
  if (["doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "odt", "ods", "odp"].includes(ext)) {
    return "reader.cannot.office";
  }
  return "reader.cannot.other";
}

/** The material's address: Linux and macOS webviews name custom schemes as such, Windows's
 * as `http://<scheme>.localhost`. `owner` is the panel's package hash or the review's id. */
export function materialUrl(owner: string, sha256: string, scope: MaterialScope = "panel"): string {
  const windows = typeof navigator !== "undefined" && /Windows/.test(navigator.userAgent);
  const base = windows ? "http://material.localhost" : "material://localhost";
  return `${base}/${scope}/${encodeURIComponent(owner)}/${encodeURIComponent(sha256)}`;
}

/** Bytes `begin`..`end` (exclusive) of a material, refusing anything but those bytes. */
export async function fetchRange(url: string, begin: number, end: number): Promise<Uint8Array> {
  const response = await fetch(url, { headers: { Range: `bytes=${begin}-${end - 1}` } });
  if (response.status !== 206 && response.status !== 200) {
    throw new Error(`material refused (${response.status})`);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  // A server that ignores ranges answers with the whole material.
  if (response.status === 200 && (begin !== 0 || bytes.length !== end)) {
    return bytes.subarray(begin, end);
  }
  return bytes;
}

/** Plain text as universities write it: UTF-8, or GBK from older Chinese Windows. */
export function decodeText(bytes: Uint8Array): string {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start));
  } catch {
    return new TextDecoder("gbk").decode(bytes);
  }
}
