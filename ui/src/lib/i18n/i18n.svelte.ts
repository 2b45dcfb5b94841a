//! The UI language: zh-CN unless the user chose English, remembered in localStorage.
//! `t` and `pick` read reactive state, so templates that call them re-render on a switch.

import type { IpcError } from "$lib/ipc/types";
import { DEFAULT_LANG, isLang, translate, type Lang, type MessageKey, type MessageParams } from "./messages";
import { errorMessage, pickBilingual, type Bilingual } from "./pick";

export const LANG_STORAGE_KEY = "paneldesk.lang";

function storedLang(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(LANG_STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // Storage can be unavailable; the default language is fine then.
  }
  return DEFAULT_LANG;
}

const state = $state<{ lang: Lang }>({ lang: storedLang() });

export function currentLang(): Lang {
  return state.lang;
}

export function setLang(lang: Lang): void {
  state.lang = lang;
  try {
    globalThis.localStorage?.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // Not remembered across restarts, but the switch still applies now.
  }
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

export function toggleLang(): void {
  setLang(state.lang === "zh-CN" ? "en" : "zh-CN");
}

export function t(key: MessageKey, params?: MessageParams): string {
  return translate(state.lang, key, params);
}

/** Choices named by message keys, as words in the current language (a select's options). */
export function labelled<T>(choices: readonly { value: T; label: MessageKey }[]): { value: T; label: string }[] {
  return choices.map((choice) => ({ value: choice.value, label: t(choice.label) }));
}

export function pick<K extends string>(item: Bilingual<K>, base: K): string {
  return pickBilingual(state.lang, item, base);
}

export function errorText(error: Pick<IpcError, "message_zh" | "message_en">): string {
  return errorMessage(state.lang, error);
}
