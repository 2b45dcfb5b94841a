//! Days and months as a Chinese office writes them. The webview's own date inputs follow
//! the operating system's locale (12/21/2026, "Dec 2026" on an English system), so forms
//! take text instead: any of the ways a clerk types a day, held as `YYYY-MM-DD` (a month
//! as `YYYY-MM`), and said back in the UI's language. The core checks every date again.

import type { Lang } from "$lib/i18n/messages";

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** Full-width digits and separators as ASCII, and 年/月/日 as separators. */
function folded(text: string): string {
  return text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[－／．。]/g, "-")
    .replace(/年|月/g, "-")
    .replace(/日$/, "")
    .replace(/[/.]/g, "-");
}

/** `2026年12月21日`, `2026/12/21`, `２０２６－１２－２１` … as `2026-12-21`; `null` if not a day. */
export function parseDay(text: string): string | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(folded(text));
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** `2026年11月`, `2026/3` … as `2026-03`; `null` if not a month. */
export function parseMonth(text: string): string | null {
  const m = /^(\d{4})-(\d{1,2})-?$/.exec(folded(text));
  if (!m) return null;
  const [year, month] = [Number(m[1]), Number(m[2])];
  if (month < 1 || month > 12) return null;
  return `${year}-${pad2(month)}`;
}

const WEEKDAYS_ZH = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];
const WEEKDAYS_EN = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS_EN = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

/** A `YYYY-MM-DD` day in words: `2026年12月21日（星期一）`; empty when it is not a day. */
export function spokenDay(iso: string, lang: Lang): string {
  const day = parseDay(iso);
  if (day === null) return "";
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(year, month - 1, date)).getUTCDay();
  return lang === "zh-CN"
    ? `${year}年${month}月${date}日（${WEEKDAYS_ZH[weekday]}）`
    : `${WEEKDAYS_EN[weekday]}, ${date} ${MONTHS_EN[month - 1]} ${year}`;
}

/** A `YYYY-MM` month in words: `2026年11月`; empty when it is not a month. */
export function spokenMonth(iso: string, lang: Lang): string {
  const month = parseMonth(iso);
  if (month === null) return "";
  const [year, m] = month.split("-").map(Number) as [number, number];
  return lang === "zh-CN" ? `${year}年${m}月` : `${MONTHS_EN[m - 1]} ${year}`;
}
