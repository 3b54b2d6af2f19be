/**
 * The contract between `youmeet admin` (the dispatcher in ./index.ts) and its command groups
 * (`users`, `plans`, `feedback`, `notice`, ...): each group is a module exporting one
 * AdminGroup (or, for a one-command entry like `backup`, one AdminCommand), so a group can be
 * written and tested without the others.
 */
import type { Database } from "bun:sqlite";
import type { Config } from "../../config/config.ts";
import type { Stores } from "../../store/index.ts";

/** What a command gets: the open, migrated database of the data dir, and where to write. */
export interface AdminContext {
  config: Config;
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
  /** Switches are "true"; valued options keep their value. `json` is there for every command. */
  options: Record<string, string>;
}

/** An option a command takes, besides `--json` and `--help` which every command takes. */
export interface AdminOption {
  /** "switch" takes no value (`--dry-run`); "value" takes the next word (`--plan pro`). */
  kind: "switch" | "value";
  /** Placeholder in help for a value option, e.g. "PLAN". */
  metavar?: string;
  help: string;
}

export interface AdminCommand {
  /** e.g. "show ID" (after `youmeet admin feedback`). */
  usage: string;
  summary: string;
  /** Options by name without the dashes, e.g. { "dry-run": {...} }. */
  options?: Record<string, AdminOption>;
  /** Positional words the command needs, at least and at most (usage errors exit 2). */
  positionals?: { min: number; max: number };
  /** Returns the exit code: 0 done, 1 not found or refused, 2 bad input. */
  run(ctx: AdminContext, args: AdminArgs): number | Promise<number>;
}

export interface AdminGroup {
  name: string;
  summary: string;
  commands: Record<string, AdminCommand>;
  /** The command the group's name alone runs (`youmeet admin notice` shows the notice); without one it prints the group's help. */
  defaultCommand?: string;
}

/** A top-level word after `youmeet admin`: a group of commands, or one command of its own. */
export type AdminEntry = AdminGroup | (AdminCommand & { name: string });

/** Exit codes every admin command uses. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;
