/**
 * The contract between `youmeet admin` (the dispatcher in ./index.ts) and its command groups
 * (`users`, `plans`, `feedback`, `notice`, ...): each group is a module exporting one
 * AdminGroup, so a group can be written and tested without the others.
 */
import type { Database } from "bun:sqlite";
import type { Stores } from "../../store/index.ts";

/** What a command gets: the open, migrated database of the data dir, and where to write. */
export interface AdminContext {
  db: Database;
  stores: Stores;
  /** Milliseconds since the epoch; tests set it. */
  now: number;
  /** Prints a line to standard output (tables, JSON). */
  out(line: string): void;
  /** Prints a line to standard error (mistakes, confirmations that are not data). */
  err(line: string): void;
}

/** Parsed words after `youmeet admin GROUP COMMAND`: positionals and `--name value` options. */
export interface AdminArgs {
  positionals: string[];
  /** `--json` and other switches are "true"; valued options keep their value. */
  options: Record<string, string>;
}

export interface AdminCommand {
  /** e.g. "show ID" (after `youmeet admin feedback`). */
  usage: string;
  summary: string;
  /** Returns the exit code: 0 done, 1 not found or refused, 2 bad input. */
  run(ctx: AdminContext, args: AdminArgs): number | Promise<number>;
}

export interface AdminGroup {
  name: string;
  summary: string;
  commands: Record<string, AdminCommand>;
}
