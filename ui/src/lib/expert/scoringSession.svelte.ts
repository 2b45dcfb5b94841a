//! One expert's panel while its screen is open: the package, the saved entries as the core
//! last returned them, and what each cell shows while the expert types. Shared by the grid
//! and the candidate page, so both show the same draft, the same "saved" and the same error.
//!
//! A cell shows "saved" when the core holds its value: loaded with the panel, or once the core
//! answered a save (never while it is being sent); a refused entry keeps the typed text
//! and the core's message until the expert changes or discards it. The core decides every
//! rule (bounds, steps, completeness); this only parses what was typed into a number.

import { messages } from "$lib/i18n/messages";
import {
  panelItems,
  panelView,
  recuse,
  reopenScores,
  setComment,
  setGrade,
  setPoints,
  setVote,
  withdrawRecusal,
} from "$lib/ipc/commands";
import { toIpcError } from "$lib/ipc/errors";
import type {
  CategoryProgress,
  Criterion,
  Enrolment,
  Grade,
  IpcError,
  PanelPackage,
  PanelView,
  RecusalReason,
  ScoreItem,
  Submission,
  Vote,
} from "$lib/ipc/types";
import { reportError } from "$lib/ui/errors.svelte";
import { VOTES } from "./labels";

export type CellField =
  | { kind: "points"; key: string }
  | { kind: "vote" }
  | { kind: "grade" }
  | { kind: "comment" };

/** `dirty`: typed, not sent yet. */
export type CellState = "dirty" | "saving" | "saved" | "error";

/**
 * What a cell shows beside its control: its own state while the expert works on it, else
 * `saved` when the core holds a value for it (loaded or just saved) and `idle` when it holds
 * nothing. One mark for every stored value, whether it was typed today or last week.
 */
export type ShownState = CellState | "idle";

export interface Cell {
  draft: string;
  state: CellState;
  error: IpcError | null;
  /** The input could not read what was typed as a number (e.g. `1..5`). */
  badInput: boolean;
}

export const NOT_A_NUMBER = "not_a_number";

function notANumber(): IpcError {
  return {
    code: NOT_A_NUMBER,
    message_zh: messages["zh-CN"]["score.notANumber"],
    message_en: messages.en["score.notANumber"],
  };
}

export function cellId(nominationId: number, field: CellField): string {
  return field.kind === "points" ? `${nominationId}/points/${field.key}` : `${nominationId}/${field.kind}`;
}

/** What the core holds for `field`, as an input shows it. */
export function storedText(item: ScoreItem | undefined, field: CellField): string {
  if (!item) return "";
  switch (field.kind) {
    case "points": {
      const points = item.criteria[field.key];
      return points === undefined ? "" : String(points);
    }
    case "vote":
      return item.vote ?? "";
    case "grade":
      return item.grade ?? "";
    case "comment":
      return item.comment;
  }
}

/** Typed points as a number, `null` for an empty cell; throws on anything else. */
export function parsePoints(text: string): number | null {
  // Full-width digits come from Chinese input methods.
  const trimmed = text.normalize("NFKC").trim();
  if (trimmed === "") return null;
  const points = Number(trimmed);
  if (!Number.isFinite(points)) throw notANumber();
  return points;
}

/**
 * The running total beside a row, as the core worked it out for the saved points
 * (`ScoreItem.entered`); nothing here adds points up.
 */
export function enteredTotal(
  item: ScoreItem | undefined,
): { total: number; max: number; entered: boolean; complete: boolean } {
  return item?.entered ?? { total: 0, max: 0, entered: false, complete: false };
}

function isVote(value: string): value is Vote {
  return (VOTES as readonly string[]).includes(value);
}


function unchanged(item: ScoreItem | undefined, field: CellField, draft: string): boolean {
  if (field.kind === "points") {
    const stored = item?.criteria[field.key];
    return parsePoints(draft) === (stored ?? null);
  }
  if (field.kind === "comment") return draft.trim() === (item?.comment ?? "");
  return draft === storedText(item, field);
}

export class ScoringSession {
  /** The package never changes while the screen is open; kept apart so it stays one object. */
  package = $state.raw<PanelPackage | null>(null);
  clerkFingerprint = $state("");
  enrolment = $state.raw<Enrolment | null>(null);
  progress = $state.raw<CategoryProgress[]>([]);
  submissions = $state.raw<Submission[]>([]);
  items = $state.raw<ReadonlyMap<number, ScoreItem>>(new Map());
  cells = $state<Record<string, Cell>>({});
  loading = $state(true);

  readonly #hash: () => string;
  #calls = 0;
  /** Per nomination, the call whose answer was applied last: a late, older answer is dropped. */
  #applied = new Map<number, number>();
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;

  constructor(hash: () => string) {
    this.#hash = hash;
  }

  get hash(): string {
    return this.#hash();
  }

  get locked(): boolean {
    return this.enrolment?.locked ?? false;
  }

  /** Reads the panel and every entry; `false` when the panel could not be read. */
  async load(): Promise<boolean> {
    this.loading = true;
    try {
      const [view, items] = await Promise.all([panelView(this.hash), panelItems(this.hash)]);
      this.#takeView(view);
      this.items = new Map(items.map((item) => [item.nomination_id, item]));
      this.cells = {};
      return true;
    } catch (error) {
      reportError(error);
      return false;
    } finally {
      this.loading = false;
    }
  }

  #takeView(view: PanelView): void {
    if (this.package === null) this.package = view.package;
    this.clerkFingerprint = view.clerk_fingerprint;
    this.enrolment = view.enrolment;
    this.progress = view.progress;
    this.submissions = view.submissions;
  }

  /**
   * Re-reads progress, enrolment and submissions. Saves come in bursts (Tab through a row),
   * so calls made while one is under way collapse into one more read afterwards.
   */
  async refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false;
        try {
          this.#takeView(await panelView(this.hash));
        } catch (error) {
          reportError(error);
        }
      } while (this.#refreshAgain);
    })();
    try {
      await this.#refreshing;
    } finally {
      this.#refreshing = null;
    }
  }

  item(nominationId: number): ScoreItem | undefined {
    return this.items.get(nominationId);
  }

  cell(nominationId: number, field: CellField): Cell | undefined {
    return this.cells[cellId(nominationId, field)];
  }

  /** The state a cell shows (and carries as `data-state`), see `ShownState`. */
  shown(nominationId: number, field: CellField): ShownState {
    const cell = this.cell(nominationId, field);
    if (cell && cell.state !== "saved") return cell.state;
    // Saved or never touched: marked when the core holds something (a cleared cell holds nothing).
    return storedText(this.item(nominationId), field) === "" ? "idle" : "saved";
  }

  /** What the input shows: the draft while it is not saved, else what the core holds. */
  text(nominationId: number, field: CellField): string {
    const cell = this.cell(nominationId, field);
    if (cell && cell.state !== "saved") return cell.draft;
    return storedText(this.item(nominationId), field);
  }

  /**
   * Nominees with a cell whose typed value the core has not accepted (refused, or not sent
   * yet): what the screen shows there is not what would be submitted.
   */
  unsavedNominations(): number[] {
    const ids = new Set<number>();
    for (const [id, cell] of Object.entries(this.cells)) {
      // A cell being saved is left out: its answer comes in a moment, as "saved" or "error".
      if (cell.state === "dirty" || cell.state === "error") ids.add(Number(id.split("/")[0]));
    }
    return [...ids];
  }

  edit(nominationId: number, field: CellField, draft: string, badInput = false): void {
    this.cells[cellId(nominationId, field)] = { draft, state: "dirty", error: null, badInput };
  }

  /** Drops what was typed (Escape): the cell shows what the core holds again. */
  discard(nominationId: number, field: CellField): void {
    const id = cellId(nominationId, field);
    if (this.cells[id]?.state !== "saving") delete this.cells[id];
  }

  /** Sends a typed cell to the core; does nothing for a cell that was not changed. */
  async commit(nominationId: number, field: CellField): Promise<void> {
    const id = cellId(nominationId, field);
    const cell = this.cells[id];
    if (!cell || cell.state !== "dirty") return;
    const sent = cell.draft;
    let call: () => Promise<ScoreItem>;
    try {
      if (cell.badInput) throw notANumber();
      if (unchanged(this.item(nominationId), field, sent)) {
        delete this.cells[id];
        return;
      }
      call = this.#command(nominationId, field, sent);
    } catch (error) {
      cell.state = "error";
      cell.error = toIpcError(error);
      return;
    }
    cell.state = "saving";
    const seq = ++this.#calls;
    try {
      const item = await call();
      this.#apply(item, seq);
      const now = this.cells[id];
      if (now && now.state === "saving" && now.draft === sent) {
        now.state = "saved";
        now.draft = storedText(item, field);
      }
      void this.refresh();
    } catch (error) {
      const now = this.cells[id];
      if (now && now.state === "saving" && now.draft === sent) {
        now.state = "error";
        now.error = toIpcError(error);
      }
    }
  }

  #command(nominationId: number, field: CellField, draft: string): () => Promise<ScoreItem> {
    const hash = this.hash;
    switch (field.kind) {
      case "points": {
        const points = parsePoints(draft);
        return () => setPoints(hash, nominationId, field.key, points);
      }
      case "vote": {
        const vote = isVote(draft) ? draft : null;
        return () => setVote(hash, nominationId, vote);
      }
      case "grade": {
        // Any key of the category's list; the core refuses one the package's list lacks.
        const grade: Grade | null = draft === "" ? null : draft;
        return () => setGrade(hash, nominationId, grade);
      }
      case "comment":
        return () => setComment(hash, nominationId, draft);
    }
  }

  #apply(item: ScoreItem, seq: number): void {
    const last = this.#applied.get(item.nomination_id) ?? 0;
    if (seq < last) return;
    this.#applied.set(item.nomination_id, seq);
    this.items = new Map(this.items).set(item.nomination_id, item);
  }

  #forget(nominationId: number): void {
    for (const id of Object.keys(this.cells)) {
      if (id.startsWith(`${nominationId}/`)) delete this.cells[id];
    }
  }

  /** Declares a recusal; rejects with the core's error for the dialog to show. */
  async recuse(nominationId: number, reason: RecusalReason, note: string): Promise<void> {
    const item = await recuse(this.hash, nominationId, reason, note);
    // The core cleared this nomination's entries: no draft of them stays on screen.
    this.#forget(nominationId);
    this.#apply(item, ++this.#calls);
    void this.refresh();
  }

  async withdrawRecusal(nominationId: number): Promise<void> {
    try {
      const item = await withdrawRecusal(this.hash, nominationId);
      this.#forget(nominationId);
      this.#apply(item, ++this.#calls);
      void this.refresh();
    } catch (error) {
      reportError(error);
    }
  }

  /** Unlocks submitted scores for a correction. */
  async reopen(): Promise<boolean> {
    try {
      this.#takeView(await reopenScores(this.hash));
      this.cells = {};
      return true;
    } catch (error) {
      reportError(error);
      return false;
    }
  }
}
