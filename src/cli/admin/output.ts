/**
 * How admin commands print data: an aligned table for people, or JSON for scripts
 * (`--json`), from the same rows, so both always show the same facts.
 */
import type { AdminArgs, AdminContext } from "./types.ts";

/** One column: its heading and how to read a row's cell. */
export interface Column<Row> {
  heading: string;
  cell(row: Row): string | number | null;
}

/** Prints `rows` as JSON (the `json` value of each) with --json, else as a table of `columns`. */
export function printRows<Row>(
  ctx: AdminContext,
  args: AdminArgs,
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  json: (row: Row) => unknown = (row) => row,
): void {
  if (args.options.json === "true") {
    ctx.out(JSON.stringify(rows.map(json), null, 2));
    return;
  }
  if (rows.length === 0) {
    ctx.err("(none)");
    return;
  }
  const cells = rows.map((row) => columns.map((c) => text(c.cell(row))));
  const widths = columns.map((c, i) => Math.max(c.heading.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join("  ");
  ctx.out(line(columns.map((c) => c.heading)));
  for (const row of cells) ctx.out(line(row));
}

/** Prints one record as `field: value` lines, or as JSON with --json. */
export function printRecord(ctx: AdminContext, args: AdminArgs, record: Record<string, string | number | boolean | null>): void {
  if (args.options.json === "true") {
    ctx.out(JSON.stringify(record, null, 2));
    return;
  }
  const width = Math.max(...Object.keys(record).map((k) => k.length)) + 2;
  for (const [key, value] of Object.entries(record)) ctx.out(`${(key + ":").padEnd(width)}${text(value)}`);
}

/** A date as people read it in a table: UTC, to the minute. */
export function formatTime(ms: number | null): string {
  return ms === null ? "-" : new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

function text(value: string | number | boolean | null): string {
  // One row per line: a newline or tab inside a value would break the table's columns.
  return value === null ? "-" : String(value).replace(/[\r\n\t]+/g, " ");
}
