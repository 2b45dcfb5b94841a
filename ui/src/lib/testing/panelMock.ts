//! Test support: an expert's panel answered from memory, the way the core would store the
//! entries, so component tests can score, recuse and read back. Any handler can be replaced.

import { mockCommands, type CommandArgs, type CommandHandler, type MockedCommands } from "$lib/ipc/mock";
import type { PanelView, ScoreItem } from "$lib/ipc/types";
import { panelItemsFixture, panelViewFixture, scoreItem } from "./fixtures";

export interface PanelMock {
  ipc: MockedCommands;
  /** What the "core" holds now; tests may change it between calls. */
  state: { view: PanelView; items: Map<number, ScoreItem> };
}

export function mockPanel(
  options: { view?: PanelView; items?: ScoreItem[]; handlers?: Record<string, CommandHandler> } = {},
): PanelMock {
  const state = {
    view: options.view ?? panelViewFixture(),
    items: new Map((options.items ?? panelItemsFixture()).map((item) => [item.nomination_id, item])),
  };

  function update(args: CommandArgs, change: (item: ScoreItem) => ScoreItem): ScoreItem {
    const id = Number(args.nominationId);
    const next = change(structuredClone(state.items.get(id) ?? scoreItem(id)));
    state.items.set(id, next);
    return structuredClone(next);
  }

  const ipc = mockCommands({
    // Cloned, as the real bridge hands over JSON and never a shared object.
    panel_view: () => structuredClone(state.view),
    panel_items: () => [...state.items.values()].map((item) => structuredClone(item)),
    panel_incomplete: () => [],
    set_points: (args) =>
      update(args, (item) => {
        const key = String(args.criterionKey);
        if (args.points === null) delete item.criteria[key];
        else item.criteria[key] = Number(args.points);
        // The core answers with the row's running total; a canned one is enough here.
        const points = Object.values(item.criteria);
        item.entered = { total: points.reduce((a, b) => a + b, 0), max: 30, entered: points.length > 0, complete: points.length === 2 };
        return item;
      }),
    set_vote: (args) => update(args, (item) => ({ ...item, vote: args.vote as ScoreItem["vote"] })),
    set_grade: (args) => update(args, (item) => ({ ...item, grade: args.grade as ScoreItem["grade"] })),
    set_comment: (args) => update(args, (item) => ({ ...item, comment: String(args.comment).trim() })),
    recuse: (args) =>
      update(args, (item) => ({
        ...item,
        criteria: {},
        vote: null,
        grade: null,
        recusal: { reason: args.reason as NonNullable<ScoreItem["recusal"]>["reason"], note: String(args.note), automatic: false },
      })),
    withdraw_recusal: (args) => update(args, (item) => ({ ...item, recusal: null })),
    ...options.handlers,
  });
  return { ipc, state };
}
