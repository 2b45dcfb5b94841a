//! The keys of a WAI-ARIA tab list (automatic activation): ← and → move to the previous and
//! next tab, wrapping around; Home and End to the first and last.

/** The index of the tab a key moves to from `index` of `count`, or null for other keys. */
export function nextTab(key: string, index: number, count: number, homeEnd = true): number | null {
  if (count <= 0) return null;
  if (key === "ArrowRight") return (index + 1) % count;
  if (key === "ArrowLeft") return (index - 1 + count) % count;
  if (homeEnd && key === "Home") return 0;
  if (homeEnd && key === "End") return count - 1;
  return null;
}
