/**
 * `youmeet admin ...`: finds the group and command the words name, parses their options,
 * prints help, and runs the command over the data dir's database. Groups live in their own
 * modules (see ./types.ts); this file knows only their shape.
 */
import { EXIT, type AdminArgs, type AdminCommand, type AdminEntry, type AdminOption } from "./types.ts";

/** Widest usage column in a group's help; longer usages get a line of their own. */
const USAGE_COLUMN = 28;

const EVERY_COMMAND: Record<string, AdminOption> = {
  json: { kind: "switch", help: "Print JSON for scripts instead of a table." },
};

/** Where the dispatcher writes; the context a command gets is built only once the words are right. */
export interface AdminIo {
  out(line: string): void;
  err(line: string): void;
}

/** The outcome of reading the words: help to print, a mistake, or a command to run. */
export type AdminPlan =
  | { kind: "help"; text: string }
  | { kind: "usage-error"; message: string }
  | { kind: "run"; command: AdminCommand; args: AdminArgs };

/** Reads `words` against the entries: what to run, or the help or mistake to print. */
export function planAdmin(entries: readonly AdminEntry[], words: readonly string[]): AdminPlan {
  const wantsHelp = words.includes("--help") || words.includes("-h");
  const rest = words.filter((w) => w !== "--help" && w !== "-h");
  const [first, second] = rest;
  if (first === undefined || first.startsWith("-")) {
    if (wantsHelp || first === undefined) return { kind: "help", text: overview(entries) };
    return { kind: "usage-error", message: `Unknown admin option ${first}; run youmeet admin --help.` };
  }
  const entry = entries.find((e) => e.name === first);
  if (!entry) return { kind: "usage-error", message: `Unknown admin command ${JSON.stringify(first)}; run youmeet admin --help.` };
  if (!("commands" in entry)) {
    if (wantsHelp) return { kind: "help", text: commandHelp(entry.name, entry) };
    return parseArgs(entry, entry.name, rest.slice(1));
  }
  if (second === undefined || second.startsWith("-")) {
    const fallback = entry.defaultCommand;
    if (fallback !== undefined && !wantsHelp) return parseArgs(entry.commands[fallback]!, `${entry.name} ${fallback}`, rest.slice(1));
    if (wantsHelp || second === undefined) return { kind: "help", text: groupHelp(entry) };
    return { kind: "usage-error", message: `${second} needs a command before it; run youmeet admin ${entry.name} --help.` };
  }
  const command = entry.commands[second];
  if (!command) {
    return { kind: "usage-error", message: `Unknown command ${JSON.stringify(second)} for admin ${entry.name}; run youmeet admin ${entry.name} --help.` };
  }
  const path = `${entry.name} ${second}`;
  if (wantsHelp) return { kind: "help", text: commandHelp(path, command) };
  return parseArgs(command, path, rest.slice(2));
}

/** Prints the help or the mistake a plan holds; returns the exit code. */
export function reportPlan(plan: Exclude<AdminPlan, { kind: "run" }>, io: AdminIo): number {
  if (plan.kind === "help") {
    io.out(plan.text.trimEnd());
    return EXIT.ok;
  }
  io.err(`youmeet: ${plan.message}`);
  return EXIT.usage;
}

function parseArgs(command: AdminCommand, path: string, words: readonly string[]): AdminPlan {
  const known = { ...EVERY_COMMAND, ...command.options };
  const args: AdminArgs = { positionals: [], options: {} };
  const hint = `run youmeet admin ${path} --help.`;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith("--") || word === "--") {
      args.positionals.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const name = word.slice(2, eq === -1 ? undefined : eq);
    const option = known[name];
    if (!option) return { kind: "usage-error", message: `Unknown option --${name} for admin ${path}; ${hint}` };
    if (option.kind === "switch") {
      if (eq !== -1) return { kind: "usage-error", message: `--${name} takes no value; ${hint}` };
      args.options[name] = "true";
      continue;
    }
    const value = eq === -1 ? words[++i] : word.slice(eq + 1);
    if (value === undefined || value === "") {
      return { kind: "usage-error", message: `--${name} needs a value (${option.metavar ?? "VALUE"}); ${hint}` };
    }
    args.options[name] = value;
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (args.positionals.length < min || args.positionals.length > max) {
    return { kind: "usage-error", message: `Usage: youmeet admin ${path.split(" ")[0]} ${command.usage}; ${hint}` };
  }
  return { kind: "run", command, args };
}

function overview(entries: readonly AdminEntry[]): string {
  const lines = [
    "youmeet admin: manage the data of a youmeet server, also while it runs.",
    "",
    "Usage: youmeet admin COMMAND [ARGS] [--data-dir DIR] [--json]",
    "",
    "Commands:",
  ];
  const width = Math.max(...entries.map((e) => e.name.length)) + 4;
  for (const entry of entries) lines.push(`  ${entry.name.padEnd(width)}${entry.summary}`);
  lines.push("", "Each command has its own help: youmeet admin COMMAND --help.");
  lines.push("Exit codes: 0 done, 1 not found or refused, 2 bad input.");
  return lines.join("\n");
}

function groupHelp(group: Extract<AdminEntry, { commands: unknown }>): string {
  const lines = [`youmeet admin ${group.name}: ${group.summary}`, "", "Commands:"];
  // A long usage takes a line of its own, so the summaries stay in one readable column.
  const width = Math.min(Math.max(...Object.values(group.commands).map((c) => c.usage.length)) + 4, USAGE_COLUMN);
  for (const command of Object.values(group.commands)) {
    if (command.usage.length + 2 > width) lines.push(`  ${command.usage}`, `  ${"".padEnd(width)}${command.summary}`);
    else lines.push(`  ${command.usage.padEnd(width)}${command.summary}`);
  }
  lines.push("", `Each command has its own help: youmeet admin ${group.name} COMMAND --help.`);
  return lines.join("\n");
}

function commandHelp(path: string, command: AdminCommand): string {
  const group = path.split(" ")[0];
  const lines = [`youmeet admin ${path}: ${command.summary}`, "", `Usage: youmeet admin ${group} ${command.usage} [--data-dir DIR]`, "", "Options:"];
  const options = { ...command.options, ...EVERY_COMMAND };
  const label = (name: string, o: AdminOption) => (o.kind === "value" ? `--${name} ${o.metavar ?? "VALUE"}` : `--${name}`);
  const width = Math.max(...Object.entries(options).map(([n, o]) => label(n, o).length), "--data-dir DIR".length) + 4;
  for (const [name, option] of Object.entries(options)) lines.push(`  ${label(name, option).padEnd(width)}${option.help}`);
  lines.push(`  ${"--data-dir DIR".padEnd(width)}The server's data directory (env YOUMEET_DATA_DIR, default ./data).`);
  return lines.join("\n");
}
