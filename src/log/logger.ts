/**
 * Structured logging: one JSON line per event on stderr (pretty text when stderr is a
 * terminal). Keys are stable snake_case; callers never pass tokens, hashes, chat or SDP.
 */

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFormat = "json" | "pretty";
export type LogFields = Record<string, unknown>;

/** What every module receives to log with. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

type Sink = (line: string) => void;

/** Creates a logger writing at `level` and above, as JSON lines or pretty text. */
export function createLogger(options: {
  level: LogLevel;
  format: LogFormat;
  sink?: Sink;
  base?: LogFields;
}): Logger {
  const sink: Sink = options.sink ?? ((line) => process.stderr.write(line + "\n"));
  const min = RANK[options.level];
  const render = options.format === "pretty" ? renderPretty : renderJson;

  const make = (base: LogFields): Logger => {
    const write = (level: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields) => {
      if (RANK[level] < min) return;
      sink(render(level, msg, { ...base, ...fields }));
    };
    return {
      debug: (msg, fields) => write("debug", msg, fields),
      info: (msg, fields) => write("info", msg, fields),
      warn: (msg, fields) => write("warn", msg, fields),
      error: (msg, fields) => write("error", msg, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.base ?? {});
}

/** A logger that drops everything (tests and tools that want silence). */
export const silentLogger: Logger = createLogger({ level: "silent", format: "json", sink: () => {} });

function renderJson(level: string, msg: string, fields: LogFields): string {
  return JSON.stringify({ time: new Date().toISOString(), level, msg, ...normalise(fields) });
}

function renderPretty(level: string, msg: string, fields: LogFields): string {
  const time = new Date().toISOString().slice(11, 23);
  const rest = Object.entries(normalise(fields))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return `${time} ${level.toUpperCase().padEnd(5)} ${msg}${rest ? "  " + rest : ""}`;
}

/** Errors do not serialise with JSON.stringify; turn them into plain fields. */
function normalise(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}
