//! A certificate template's images (seal, background) cross to the shell as a choice, never
//! as a path: the one stored, none, or a file the user opened in a dialog the shell owns.

import type { CertificateTemplate, ImageChoice, TemplateWords } from "$lib/ipc/types";

/**
 * What to ask the shell for, from the field as the form holds it (the stored path, `null`,
 * or the handle of a file just opened) and as the review stores it.
 */
export function imageChoice(current: string | null, stored: string | null): ImageChoice {
  if (current === stored) return { kind: "keep" };
  if (current === null) return { kind: "remove" };
  return { kind: "picked", handle: current };
}

/** The template as sent: its words only (the shell refuses one naming an image); the
 * choices say what the images are. */
export function withoutImages(template: CertificateTemplate): TemplateWords {
  const { seal: _seal, background: _background, ...words } = template;
  return words;
}

/** The seal and background choices for `template` against the stored one. */
export function imageChoices(
  template: CertificateTemplate,
  stored: CertificateTemplate | null,
): [seal: ImageChoice, background: ImageChoice] {
  return [
    imageChoice(template.seal, stored?.seal ?? null),
    imageChoice(template.background, stored?.background ?? null),
  ];
}
