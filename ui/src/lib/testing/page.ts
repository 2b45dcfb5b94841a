//! Test support: the page as a test starts it — nothing remembered from the last test, the
//! Chinese UI, no error in the banner; and, where the test says so, the clerk's keys
//! unlocked earlier in the session (ClerkKeyGate.test.ts asks for them).

import { setLang } from "$lib/i18n/i18n.svelte";
import { clerkKeys } from "$lib/ui/clerkKeys.svelte";
import { dismissError } from "$lib/ui/errors.svelte";
import { clerkKeysUnlocked } from "./fixtures";

export function freshPage(options: { clerkUnlocked?: boolean } = {}): void {
  localStorage.clear();
  setLang("zh-CN");
  dismissError();
  if (options.clerkUnlocked) clerkKeys.status = clerkKeysUnlocked;
}
