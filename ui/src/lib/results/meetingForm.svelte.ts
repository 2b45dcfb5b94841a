//! What the meeting's two forms (opening a ballot, entering the count) share: the form's own
//! check first — the first problem found is shown and its field (`data-field`) takes focus —
//! then the command, whose refusal is kept for the dialog's footer.

import { Task } from "$lib/ui/task.svelte";
import type { Checked, Problem } from "./meeting";

export class MeetingForm extends Task {
  problem = $state<Problem | null>(null);

  constructor() {
    super(true);
  }

  /** Sends the checked request, or shows its problem; `form` is where its fields are. */
  async submit<T>(form: HTMLElement | null, request: Checked<T>, send: (value: T) => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.problem = null;
    this.error = null;
    if (!request.ok) {
      this.problem = request.problem;
      form?.querySelector<HTMLElement>(`[data-field="${request.problem.field}"]`)?.focus();
      return;
    }
    await this.run(() => send(request.value));
  }

  /** Whether the problem shown is about this field. */
  invalid(field: string): boolean {
    return this.problem?.field === field;
  }
}
