//! Stable column widths for tables whose rows come and go while scrolling (VirtualList):
//! a track sized by the rows in the DOM (max-content, auto table layout) would change width
//! as rows scroll in. Instead a column is as wide as the longest value in the data the
//! caller already holds, estimated from its characters, so names never break or clip.

/** Characters drawn a full em wide in the app's CJK font (ideographs, kana, hangul, full-width forms, CJK punctuation and quotes). */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2018 && code <= 0x201f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    code >= 0x20000
  );
}

/**
 * The width `text` needs on one line, in em of its font: 1 for a wide character, 0.62 for
 * any other (a generous average of Latin letters and digits, so the estimate errs wide).
 */
export function textEm(text: string): number {
  let em = 0;
  for (const ch of text) em += isWide(ch.codePointAt(0)!) ? 1 : 0.62;
  return em;
}

/**
 * A CSS width for a column holding `texts` (the heading among them): the longest, plus the
 * cell's padding (12px each side at 14px ≈ 1.75em) and `extra` em for what sits beside the
 * text (a badge, bold type), kept between `min` and `max` em. In rem: the table's cells are
 * set at the root's 14px, its headings smaller, and a heading's width must fit its cells.
 */
export function columnWidth(
  texts: Iterable<string>,
  { min = 3, max = 40, extra = 0 }: { min?: number; max?: number; extra?: number } = {},
): string {
  let longest = 0;
  for (const text of texts) longest = Math.max(longest, textEm(text));
  const em = Math.min(max, Math.max(min, longest + 1.75 + extra));
  return `${Math.ceil(em * 10) / 10}rem`;
}
