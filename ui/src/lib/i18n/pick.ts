//! Choosing between the `*_zh` / `*_en` variants that the core sends. The core's text is
//! shown as given; when the English variant is empty the Chinese one stands in.

import type { IpcError } from "$lib/ipc/types";
import type { Lang } from "./messages";

/** An object carrying `<base>_zh` and `<base>_en` strings, e.g. `name_zh`/`name_en`. */
export type Bilingual<K extends string> = { [P in `${K}_zh` | `${K}_en`]: string };

export function chooseText(lang: Lang, zh: string, en: string): string {
  if (lang === "en") return en.trim() !== "" ? en : zh;
  return zh.trim() !== "" ? zh : en;
}

/** `pickBilingual("en", category, "name")` is `category.name_en`. */
export function pickBilingual<K extends string>(lang: Lang, item: Bilingual<K>, base: K): string {
  return chooseText(lang, item[`${base}_zh` as const], item[`${base}_en` as const]);
}

/** The message of an error from the core, in `lang`. */
export function errorMessage(
  lang: Lang,
  error: Pick<IpcError, "message_zh" | "message_en">,
): string {
  return chooseText(lang, error.message_zh, error.message_en);
}
