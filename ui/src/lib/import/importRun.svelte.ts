//! One import run: picked or dropped files and folders → workbooks and packages (each behind a
//! handle the shell made) → `importWorkbooks` calls of a
//! few files each, growing while they are quick (the shell keeps its parsing children between
//! calls), and a progress bar that moves. Lives outside the tab component so a run keeps going
//! (and its results stay) when the user looks at another tab. The core judges every workbook; this only counts reports.

import { expandWorkbooks, importWorkbooks } from "$lib/ipc/commands";
import type { FileReport, Picked } from "$lib/ipc/types";
import { reportError } from "$lib/ui/errors.svelte";

/** Files in the first call: enough to keep both parsing children busy. */
export const FIRST_CALL_FILES = 8;
/** Calls grow while they come back faster than this, so the progress bar and the stop
 * button still answer within a second or so, but a folder of two hundred workbooks is not
 * two hundred calls' worth of opening the review and syncing it to disk. */
export const CALL_TARGET_MS = 400;
export const MAX_CALL_FILES = 64;

/** How many files the next call takes, after one of `size` files took `elapsedMs`. */
export function nextCallSize(size: number, elapsedMs: number): number {
  if (elapsedMs < CALL_TARGET_MS / 2) return Math.min(size * 2, MAX_CALL_FILES);
  if (elapsedMs > CALL_TARGET_MS * 2) return Math.max(Math.floor(size / 2), 1);
  return size;
}

export type ImportPhase = "idle" | "finding" | "importing";

export type ImportSummary = {
  files: number;
  imported: number;
  failed: number;
  accepted: number;
  flagged: number;
};

export function summarize(reports: readonly FileReport[]): ImportSummary {
  let imported = 0;
  let accepted = 0;
  let flagged = 0;
  for (const report of reports) {
    if (report.imported) imported += 1;
    accepted += report.accepted;
    flagged += report.flagged;
  }
  return { files: reports.length, imported, failed: reports.length - imported, accepted, flagged };
}

export { baseName } from "$lib/ui/format";

export class ImportRun {
  phase = $state<ImportPhase>("idle");
  /** Reports of the latest run, in import order. */
  reports = $state.raw<FileReport[]>([]);
  total = $state(0);
  current = $state<string | null>(null);
  stopRequested = $state(false);
  /** Files left unprocessed because the user stopped the run. */
  skipped = $state(0);
  /** The latest run found no workbook files. */
  foundNothing = $state(false);

  readonly #reviewId: () => string;
  readonly #onfinished: () => Promise<void> | void;

  constructor(reviewId: () => string, onfinished: () => Promise<void> | void) {
    this.#reviewId = reviewId;
    this.#onfinished = onfinished;
  }

  get busy(): boolean {
    return this.phase !== "idle";
  }

  get done(): number {
    return this.reports.length;
  }

  /** Stops after the files being imported now. */
  stop(): void {
    if (this.phase === "importing") this.stopRequested = true;
  }

  async start(picked: Picked[]): Promise<void> {
    if (this.busy || picked.length === 0) return;
    this.phase = "finding";
    this.reports = [];
    this.total = 0;
    this.current = null;
    this.stopRequested = false;
    this.skipped = 0;
    this.foundNothing = false;
    try {
      const files = await expandWorkbooks(picked.map((p) => p.handle));
      if (files.length === 0) {
        this.foundNothing = true;
        return;
      }
      this.total = files.length;
      this.phase = "importing";
      let size = FIRST_CALL_FILES;
      for (let index = 0; index < files.length; ) {
        if (this.stopRequested) {
          this.skipped = files.length - index;
          break;
        }
        const chunk = files.slice(index, index + size);
        this.current = chunk[0]?.name ?? null;
        const started = performance.now();
        // Rejects only when the review itself cannot be opened: no point going on then.
        const reports = await importWorkbooks(
          this.#reviewId(),
          chunk.map((f) => f.handle),
        );
        this.reports = [...this.reports, ...reports];
        index += chunk.length;
        size = nextCallSize(chunk.length, performance.now() - started);
      }
    } catch (error) {
      reportError(error);
    } finally {
      this.phase = "idle";
      this.current = null;
      this.stopRequested = false;
    }
    // Even a refused workbook may have changed flags or replaced nothing; reload anyway.
    if (this.reports.length > 0) await this.#onfinished();
  }
}
