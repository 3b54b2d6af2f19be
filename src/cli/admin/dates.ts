/**
 * Dates as operators type them after --since and --until: a day, or a day and a time,
 * read as UTC (the time tables print) unless a zone is given.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?)?$/;

/** What the help says a DATE is. */
export const DATE_HELP = "YYYY-MM-DD (00:00 UTC that day) or YYYY-MM-DDTHH:MM, UTC unless it ends in Z or +HH:MM";

/** Milliseconds since the epoch for `text`, or null when it is not such a date (or not a real day). */
export function parseDate(text: string): number | null {
  const m = DATE.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(local);
  // Date.UTC rolls 2026-02-30 over into March: a date that does not come back unchanged was not real.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const zone = m[7];
  if (!zone || zone === "Z") return local;
  const [zh, zm] = zone.slice(1).split(":").map(Number) as [number, number];
  if (zh > 14 || zm > 59) return null;
  const offset = (zh * 60 + zm) * 60_000 * (zone.startsWith("-") ? -1 : 1);
  return local - offset;
}
