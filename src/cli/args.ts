/**
 * argv -> which subcommand to run, with its Config, or the help text to print. Spelling of
 * options (`--flag value`, `--flag=value`, switches) is handled here; what each option means
 * and how it is validated is config/'s job, read from its one option table.
 */
import { ConfigError, loadConfig, type Config, type FlagInput } from "../config/config.ts";
import { FLAGS, FLAG_KEYS, envName, flagName, keyForFlag, type CommandName, type FlagKey } from "../config/flags.ts";

/** What main.ts runs: a subcommand with its validated Config, or help text to print. */
export type Command =
  | { name: Exclude<CommandName, "admin">; config: Config }
  | { name: "admin"; config: Config; words: string[] }
  | { name: "help"; text: string };

const COMMANDS: Record<CommandName | "help", string> = {
  serve: "Run the server (the default command).",
  migrate: "Apply pending database migrations and exit.",
  healthcheck: "GET /healthz on --host and --port; exit 0 if healthy, else 1.",
  admin: "Users, plans, feedback, notices, backups: youmeet admin --help.",
  purge: "Apply the retention periods now (--dry-run: only show what goes).",
  version: "Print the version and exit (also --version).",
  help: "Show this help, or one command's help: youmeet help COMMAND.",
};

const WIDTH = 80;
const HELP_HINT = "run youmeet --help.";

/** Parses argv (without node/bun and script path) and the environment. Throws ConfigError. */
export function parseCommandLine(
  argv: string[],
  env: Record<string, string | undefined>,
  options: { isTty?: boolean; cwd?: string } = {},
): Command {
  const parsed = tokenize(argv);
  if (parsed.command === "admin" && !parsed.error) {
    // The admin dispatcher has its own words, options and help; only the data options are ours.
    return { name: "admin", config: loadConfig(parsed.flags, env, { command: "admin", isTty: options.isTty, cwd: options.cwd }), words: parsed.adminWords };
  }
  // Help wins over every other mistake on the line: someone asking for help has not got it right yet.
  if (parsed.help) {
    const topic = parsed.command === "help" ? parsed.topic : parsed.command;
    return { name: "help", text: helpText(isCommand(topic) ? topic : undefined) };
  }
  if (parsed.error) throw new ConfigError(parsed.error);
  if (parsed.command === "help") {
    if (parsed.topic !== undefined && !isCommand(parsed.topic)) {
      throw new ConfigError(`Unknown command ${JSON.stringify(parsed.topic)}; ${HELP_HINT}`);
    }
    return { name: "help", text: helpText(parsed.topic as CommandName | undefined) };
  }
  // `admin` returned above; what is left takes no words of its own.
  const name = parsed.version ? "version" : ((parsed.command ?? "serve") as Exclude<CommandName, "admin">);
  return { name, config: loadConfig(parsed.flags, env, { command: name, isTty: options.isTty, cwd: options.cwd }) };
}

interface Parsed {
  flags: FlagInput;
  command?: CommandName | "help";
  /** The command named after `help`. */
  topic?: string;
  help: boolean;
  version: boolean;
  /** The first mistake in argv order; kept rather than thrown so a later --help still wins. */
  error?: string;
  /** After `admin`: every word that is not a server option, for the admin dispatcher. */
  adminWords: string[];
}

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && name !== "help" && Object.hasOwn(COMMANDS, name);
}

function tokenize(argv: string[]): Parsed {
  const out: Parsed = { flags: {}, help: false, version: false, adminWords: [] };
  const fail = (message: string) => {
    out.error ??= message;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (out.command === "admin" && !(arg.startsWith("--") && keyForFlag(arg.split("=")[0]!) !== null)) {
      out.adminWords.push(arg);
    } else if (arg === "--help" || arg === "-h") {
      out.help = true;
    } else if (arg === "--version") {
      out.version = true;
    } else if (arg.startsWith("--") && arg !== "--") {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg : arg.slice(0, eq);
      const inline = eq === -1 ? undefined : arg.slice(eq + 1);
      const key = keyForFlag(name);
      if (key === null) {
        fail(`Unknown option ${name}; ${HELP_HINT}`);
      } else if (FLAGS[key].kind === "boolean") {
        out.flags[key] = inline ?? "true";
      } else {
        let value = inline;
        // The next word is this option's value unless it is itself an option: `--port --host x`
        // means the port was forgotten. "-1" stays a value so negative numbers get their own error.
        if (value === undefined && i + 1 < argv.length && !isOptionWord(argv[i + 1]!)) value = argv[++i];
        if (value === undefined || value === "") fail(missingValue(key));
        else out.flags[key] = value;
      }
    } else if (arg.startsWith("-") && arg !== "-" && arg !== "--") {
      fail(`Unknown option ${arg}; ${HELP_HINT}`);
    } else if (out.command === undefined) {
      if (arg === "help" || isCommand(arg)) out.command = arg;
      else fail(`Unknown command ${JSON.stringify(arg)}; ${HELP_HINT}`);
    } else if (out.command === "help" && out.topic === undefined) {
      out.topic = arg;
    } else {
      fail(`Unexpected argument ${JSON.stringify(arg)}; ${HELP_HINT}`);
    }
  }
  return out;
}

function isOptionWord(word: string): boolean {
  return word.startsWith("--") || word === "-h";
}

function missingValue(key: FlagKey): string {
  const name = flagName(key);
  return `${name} needs a value, e.g. ${name} ${FLAGS[key].example}.`;
}

/** The whole help, or one command's: every option with its environment variable and default. */
function helpText(command?: CommandName): string {
  const lines: string[] = [];
  if (command === undefined) {
    lines.push("youmeet: self-hosted video meetings.", "", "Usage: youmeet [COMMAND] [OPTIONS]", "", "Commands:");
    const nameWidth = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
    for (const [name, summary] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(nameWidth)}${summary}`);
    lines.push("", ...wrap("Options (each also read from the environment variable shown; a flag wins):", WIDTH));
    lines.push(...optionLines(FLAG_KEYS, true));
  } else {
    const summary = COMMANDS[command];
    lines.push(...wrap(`youmeet ${command}: ${summary}`, WIDTH), "");
    if (command === "version") {
      lines.push("Usage: youmeet version", "   or: youmeet --version");
      return lines.join("\n") + "\n";
    }
    lines.push(`Usage: youmeet ${command} [OPTIONS]`, "");
    lines.push(...wrap(`Options used by ${command} (each also read from the environment variable shown; a flag wins):`, WIDTH));
    lines.push(...optionLines(FLAG_KEYS.filter((key) => FLAGS[key].commands.includes(command)), false));
    lines.push("", ...wrap("Every other option is accepted and ignored, so one environment serves every command.", WIDTH));
  }
  lines.push(
    "",
    ...wrap(
      "Give values as --option VALUE or --option=VALUE, switches as --option or --option=true|false. " +
        "A bad value stops the start with one sentence saying what is wrong, and exit code 2.",
      WIDTH,
    ),
  );
  return lines.join("\n") + "\n";
}

function optionLines(keys: FlagKey[], withGeneral: boolean): string[] {
  const rows = keys.map((key) => {
    const spec = FLAGS[key];
    const left = spec.kind === "boolean" ? flagName(key) : `${flagName(key)} ${spec.metavar}`;
    // Environment and default share a line when it fits, else take one each.
    const oneLine = `env ${envName(key)}, default ${spec.defaultText}`;
    return { left, help: [spec.help], env: [oneLine] };
  });
  if (withGeneral) {
    rows.push({ left: "-h, --help", help: ["Show this help; after a command, that command's help."], env: [] });
    rows.push({ left: "--version", help: ["Print the version and exit."], env: [] });
  }
  const column = Math.max(...rows.map((r) => r.left.length)) + 4;
  const out: string[] = [];
  for (const row of rows) {
    const env = row.env.flatMap((line) =>
      column + line.length <= WIDTH ? [line] : line.split(/, (?=default )/),
    );
    const body = [...wrap(row.help.join(" "), WIDTH - column), ...env];
    body.forEach((text, i) => out.push((i === 0 ? `  ${row.left}`.padEnd(column) : " ".repeat(column)) + text));
  }
  return out;
}

/** Greedy word wrap; help reads best when it fits an 80-column terminal. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
