// Saving a material out through the shell's own save dialog; the shell never writes over
// a file, so the name it answers may differ from the one chosen.

import { t } from "$lib/i18n/i18n.svelte";
import { saveMaterial } from "$lib/ipc/commands";
import { chooseSaveFile } from "$lib/ipc/dialog";
import type { MaterialInfo } from "$lib/ipc/types";
import { reportError } from "$lib/ui/errors.svelte";
import { extensionOf } from "$lib/reader/source";

/** The name written, or null when the expert cancelled (or it failed, reported). */
export async function saveMaterialCopy(hash: string, material: MaterialInfo): Promise<string | null> {
  try {
    const extension = extensionOf(material.file_name);
    const destination = await chooseSaveFile({
      title: t("candidate.saveDialogTitle"),
      fileName: material.file_name,
      filterName: t("candidate.fileFilter"),
      extensions: extension ? [extension] : ["*"],
    });
    if (destination === null) return null;
    return await saveMaterial(hash, material.sha256, destination.handle);
  } catch (error) {
    reportError(error);
    return null;
  }
}
