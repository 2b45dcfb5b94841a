//! Display formats that do not depend on the language.

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * An RFC 3339 timestamp (the core stores UTC) as local `YYYY-MM-DD HH:mm`.
 * Anything unparseable is shown as it came, so nothing is hidden.
 */
export function formatLocalDateTime(rfc3339: string): string {
  const date = new Date(rfc3339);
  if (rfc3339.trim() === "" || Number.isNaN(date.getTime())) return rfc3339;
  return (
    `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}`
  );
}

/** Points as the rubric states them: `20`, `0.5`. */
export function formatPoints(points: number): string {
  return String(points);
}

/** A file size for people: `812 B`, `14.2 KB`, `3.1 MB` (1 KB = 1024 B). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A local calendar day as `YYYY-MM-DD`, `days` after `from` (what a date input holds). */
export function localDateAfter(from: Date, days: number): string {
  const date = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days);
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
}

/** The last part of a path, for either separator. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== "");
  return parts[parts.length - 1] ?? path;
}
