//! Saving a material out as a copy, for the laptop's own programs: through the shell's own
//! save dialog (the shell never writes over a file, so the name it answers may differ from
//! the one chosen). The expert's panel and the clerk's review write it with their own
//! command; this keeps which material is being saved and where the last one went.

import { t } from "$lib/i18n/i18n.svelte";
import type { MaterialInfo } from "$lib/ipc/types";
import { reportError } from "$lib/ui/errors.svelte";
import { saveFile } from "$lib/ui/saveFile";
import { extensionOf } from "./source";

export class MaterialCopies {
  /** The material being saved (its sha256). */
  saving = $state<string | null>(null);
  /** The last copy written, and the name it was written under. */
  saved = $state<{ sha256: string; name: string } | null>(null);
  readonly #write: (material: MaterialInfo, handle: string) => Promise<string>;

  /** `write` has the core write the material through the dialog's handle and answers the name. */
  constructor(write: (material: MaterialInfo, handle: string) => Promise<string>) {
    this.#write = write;
  }

  /** The name written, or null when the user cancelled (or it failed, reported). */
  save = async (material: MaterialInfo): Promise<string | null> => {
    this.saving = material.sha256;
    this.saved = null;
    try {
      const extension = extensionOf(material.file_name);
      const done = await saveFile(
        {
          title: t("candidate.saveDialogTitle"),
          fileName: material.file_name,
          filterName: t("candidate.fileFilter"),
          extensions: extension ? [extension] : ["*"],
        },
        (handle) => this.#write(material, handle),
      );
      if (done === null) return null;
      this.saved = { sha256: material.sha256, name: done.result };
      return done.result;
    } catch (error) {
      reportError(error);
      return null;
    } finally {
      this.saving = null;
    }
  };
}
