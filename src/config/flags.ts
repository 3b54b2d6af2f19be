/**
 * The option table: one row per option. A row's key names the flag (`dataDir` -> `--data-dir`)
 * and its environment variable (`YOUMEET_DATA_DIR`), so adding an option is adding a row here
 * and a field in Config; the parser, the help text and redaction all read this table.
 * Each row validates its own value; rules that join several options live in config.ts.
 */
import { isIP } from "node:net";
import { PRIVACY_POLICY_VERSION } from "../../views/pages/privacy.ts";
import { ConfigError } from "./error.ts";

/** The subcommands that take a configuration (help is not one: it needs none). */
export type CommandName = "serve" | "migrate" | "healthcheck" | "version" | "admin" | "purge";

/** One option: how it is spelled, documented, defaulted and validated. */
export interface FlagSpec<T> {
  /** "boolean" flags take no value after them (`--dev-login`, or `--dev-login=false`). */
  kind: "value" | "boolean";
  /** Placeholder in help, e.g. `--port PORT`. */
  metavar: string;
  /** A value for the "needs a value" error, so the operator sees the shape at once. */
  example: string;
  /** Used when neither flag nor environment gives a value; null means unset or derived later. */
  default: T;
  /** The default as the help shows it (some defaults are derived, e.g. from --port). */
  defaultText: string;
  help: string;
  /** Subcommands whose help lists this option; every subcommand accepts every option so one
   *  environment (a Docker container's) serves them all. */
  commands: readonly CommandName[];
  /** Secrets are never echoed in errors and are redacted when the config is printed. */
  secret?: boolean;
  /** Validates the raw text; `label` is `--flag` or `YOUMEET_FLAG`, whichever gave the value. */
  parse(raw: string, label: string): T;
}

const SERVE: readonly CommandName[] = ["serve"];
const NETWORK: readonly CommandName[] = ["serve", "healthcheck"];
const LOGGING: readonly CommandName[] = ["serve", "migrate", "healthcheck", "purge"];

/** Telegram's shape of a bot token; exported so a token read from a file gets the same check. */
export const BOT_TOKEN_PATTERN = /^\d+:[A-Za-z0-9_-]{30,}$/;
/** The shape in words, for errors that must not echo the token itself. */
export const BOT_TOKEN_SHAPE =
  'a bot token from @BotFather (digits, a colon, then 30 or more letters, digits, "_" or "-")';

/** Quotes a bad value for an error sentence: escaped, and cut short so the sentence stays one line. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 100 ? value.slice(0, 100) + "..." : value);
}

function flag<T>(spec: FlagSpec<T>): FlagSpec<T> {
  return spec;
}

function integerIn(min: number, max: number, what: string) {
  return (raw: string, label: string): number => {
    const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(`${label} must be ${what}, got ${quote(raw)}.`);
    }
    return n;
  };
}

function oneOf<const V extends string>(values: readonly V[]) {
  return (raw: string, label: string): V => {
    const found = values.find((v) => v === raw.trim().toLowerCase());
    if (!found) throw new ConfigError(`${label} must be one of ${values.join(", ")}, got ${quote(raw)}.`);
    return found;
  };
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function parseHost(raw: string, label: string): string {
  // Accept the bracketed form people copy from URLs; Bun.serve wants the bare address.
  const host = raw.trim().replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) === 0 && !HOSTNAME.test(host)) {
    throw new ConfigError(`${label} must be an IP address or host name, got ${quote(raw)}.`);
  }
  return host;
}

function parsePublicUrl(raw: string, label: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    url = new URL("invalid:");
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) {
    throw new ConfigError(
      `${label} must be an http:// or https:// address like https://meet.example.com, got ${quote(raw)}.`,
    );
  }
  // The URL class drops an empty "?" or "#", so look at the text too. A path is refused because
  // the __Host- session cookie needs Path=/ and nothing in the app routes under a prefix.
  if (/[?#]/.test(raw) || url.username || url.password || url.pathname !== "/") {
    throw new ConfigError(
      `${label} must be only a scheme, host and optional port (no path, query, fragment or user name), got ${quote(raw)}.`,
    );
  }
  return url.origin;
}

function parseBoolean(raw: string, label: string): boolean {
  const value = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  throw new ConfigError(`${label} must be true or false, got ${quote(raw)}.`);
}

function parseBotToken(raw: string, label: string): string {
  const token = raw.trim();
  if (!BOT_TOKEN_PATTERN.test(token)) throw new ConfigError(`${label} does not look like ${BOT_TOKEN_SHAPE}.`);
  return token;
}

function parseBotUsername(raw: string, label: string): string {
  const name = raw.trim().replace(/^@/, "");
  if (!/^[A-Za-z][A-Za-z0-9_]{4,31}$/.test(name) || !/bot$/i.test(name)) {
    throw new ConfigError(
      `${label} must be a Telegram bot username (5 to 32 letters, digits or "_", ending in "bot"), got ${quote(raw)}.`,
    );
  }
  return name;
}

function parseEmail(raw: string, label: string): string {
  const email = raw.trim();
  if (email.length > 254 || !/^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:.]+$/.test(email)) {
    throw new ConfigError(`${label} must be an email address like privacy@example.com, got ${quote(raw)}.`);
  }
  return email;
}

function parsePolicyVersion(raw: string, label: string): string {
  const version = raw.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(version)) {
    throw new ConfigError(
      `${label} must be 1 to 40 letters, digits, ".", "_" or "-" (a date like 2026-12-04 works), got ${quote(raw)}.`,
    );
  }
  return version;
}

function parseMetricsToken(raw: string, label: string): string {
  // It travels in an Authorization header, so only visible ASCII; never echoed.
  if (!/^[\x21-\x7e]*$/.test(raw)) {
    throw new ConfigError(`${label} may contain only visible ASCII characters, without spaces.`);
  }
  if (raw.length < 16 || raw.length > 256) {
    throw new ConfigError(`${label} must be 16 to 256 characters long, got ${raw.length}.`);
  }
  return raw;
}

function parsePath(raw: string): string {
  return raw.trim();
}

const RETENTION = "a whole number of days from 0 (keep forever) to 36500";

function parsePortRange(raw: string, label: string): [number, number] {
  const match = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(raw);
  const low = match ? Number(match[1]) : NaN;
  const high = match ? Number(match[2]) : NaN;
  if (!match || low < 1024 || high > 65535 || low > high || high - low < 9) {
    throw new ConfigError(
      `${label} must be a UDP port range like 40000-40199 (ports 1024-65535, at least 10 ports), got ${quote(raw)}.`,
    );
  }
  return [low, high];
}

function parsePublicIp(raw: string, label: string): string {
  const ip = raw.trim();
  if (isIP(ip) !== 4) throw new ConfigError(`${label} must be an IPv4 address like 203.0.113.7, got ${quote(raw)}.`);
  return ip;
}

function parseTurnUrl(raw: string, label: string): string[] {
  const urls = raw.split(",").map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0 || urls.some((u) => !/^turns?:[^\s?]+(\?transport=(udp|tcp))?$/.test(u))) {
    throw new ConfigError(
      `${label} must be one or more comma-separated TURN URLs like turn:turn.example.com:3478?transport=udp, got ${quote(raw)}.`,
    );
  }
  return urls;
}

function parseTurnSecret(raw: string, label: string): string {
  if (raw.trim().length < 16) throw new ConfigError(`${label} must be at least 16 characters (coturn's static-auth-secret).`);
  return raw.trim();
}

/** Every option, in the order the help lists them. */
export const FLAGS = {
  host: flag<string>({
    kind: "value", metavar: "HOST", example: "127.0.0.1", default: "127.0.0.1", defaultText: "127.0.0.1",
    help: "Address to listen on; 0.0.0.0 or :: accepts connections from other machines.",
    commands: NETWORK, parse: parseHost,
  }),
  port: flag<number>({
    kind: "value", metavar: "PORT", example: "8080", default: 8080, defaultText: "8080",
    help: "TCP port for HTTP and WebSocket; 0 picks any free port.",
    commands: NETWORK, parse: integerIn(0, 65535, "a whole number from 0 to 65535"),
  }),
  dataDir: flag<string>({
    kind: "value", metavar: "DIR", example: "./data", default: "./data", defaultText: "./data",
    help: "Directory for the database, relative to the current directory; created if missing.",
    commands: ["serve", "migrate", "admin", "purge"], parse: parsePath,
  }),
  publicUrl: flag<string | null>({
    kind: "value", metavar: "URL", example: "https://meet.example.com", default: null,
    defaultText: "http://localhost:PORT",
    help: "Address people use to reach the server; links use it, and https makes cookies Secure.",
    commands: SERVE, parse: parsePublicUrl,
  }),
  telegramBotToken: flag<string | null>({
    kind: "value", metavar: "TOKEN", example: "123456:ABC...", default: null, defaultText: "none",
    help: "Bot token from @BotFather; enables Telegram login. Prefer the environment or a file.",
    commands: SERVE, secret: true, parse: parseBotToken,
  }),
  telegramBotTokenFile: flag<string | null>({
    kind: "value", metavar: "PATH", example: "/run/secrets/bot_token", default: null, defaultText: "none",
    help: "File holding the bot token (a Docker secret, say), instead of --telegram-bot-token.",
    commands: SERVE, parse: parsePath,
  }),
  telegramBotUsername: flag<string | null>({
    kind: "value", metavar: "NAME", example: "my_meet_bot", default: null, defaultText: "none",
    help: "The bot's username, ending in \"bot\"; required together with a token.",
    commands: SERVE, parse: parseBotUsername,
  }),
  devLogin: flag<boolean>({
    kind: "boolean", metavar: "", example: "true", default: false, defaultText: "off",
    help: "Log in with just a name, for trying youmeet without a bot; loopback --host only.",
    commands: SERVE, parse: parseBoolean,
  }),
  retentionInactiveDays: flag<number>({
    kind: "value", metavar: "DAYS", example: "365", default: 365, defaultText: "365",
    help: "Delete accounts not used for this many days; 0 keeps them forever.",
    commands: ["serve", "purge"], parse: integerIn(0, 36500, RETENTION),
  }),
  retentionFeedbackDays: flag<number>({
    kind: "value", metavar: "DAYS", example: "180", default: 180, defaultText: "180",
    help: "Delete feedback messages after this many days; 0 keeps them forever.",
    commands: ["serve", "purge"], parse: integerIn(0, 36500, RETENTION),
  }),
  dryRun: flag<boolean>({
    kind: "boolean", metavar: "", example: "true", default: false, defaultText: "off",
    help: "With purge: print what would be deleted, and delete nothing.",
    commands: ["purge"], parse: parseBoolean,
  }),
  contactEmail: flag<string | null>({
    kind: "value", metavar: "EMAIL", example: "privacy@example.com", default: null, defaultText: "none",
    help: "The operator's address, shown on the privacy page.",
    commands: SERVE, parse: parseEmail,
  }),
  privacyPolicyVersion: flag<string>({
    kind: "value", metavar: "VERSION", example: "2026-12-04", default: PRIVACY_POLICY_VERSION,
    defaultText: PRIVACY_POLICY_VERSION,
    help: "Version of the privacy policy in force; a new one asks every user to accept it.",
    commands: SERVE, parse: parsePolicyVersion,
  }),
  metricsToken: flag<string | null>({
    kind: "value", metavar: "TOKEN", example: "a-long-random-secret", default: null, defaultText: "none",
    help: "Bearer token (16+ characters) that opens /metrics to non-loopback clients.",
    commands: SERVE, secret: true, parse: parseMetricsToken,
  }),
  trustProxy: flag<boolean>({
    kind: "boolean", metavar: "", example: "true", default: false, defaultText: "off",
    help: "Behind a reverse proxy on this machine: take the client address from X-Forwarded-For.",
    commands: SERVE, parse: parseBoolean,
  }),
  rtcPorts: flag<[number, number]>({
    kind: "value", metavar: "A-B", example: "40000-40199", default: [40000, 40199], defaultText: "40000-40199",
    help: "UDP ports for media (and ICE-TCP); each participant uses two. Open them in the firewall.",
    commands: SERVE, parse: parsePortRange,
  }),
  publicIp: flag<string | null>({
    kind: "value", metavar: "IP", example: "203.0.113.7", default: null, defaultText: "the interface addresses",
    help: "Address announced in media candidates, for a server behind 1:1 NAT (most VPS clouds).",
    commands: SERVE, parse: parsePublicIp,
  }),
  iceTcp: flag<boolean>({
    kind: "boolean", metavar: "", example: "true", default: false, defaultText: "off",
    help: "Also offer media over TCP on the same ports, for networks that block UDP.",
    commands: SERVE, parse: parseBoolean,
  }),
  turnUrl: flag<string[] | null>({
    kind: "value", metavar: "URLS", example: "turn:turn.example.com:3478", default: null, defaultText: "none",
    help: "TURN server(s) for browsers that cannot reach the media ports (comma-separated).",
    commands: SERVE, parse: parseTurnUrl,
  }),
  turnSecret: flag<string | null>({
    kind: "value", metavar: "SECRET", example: "coturn-static-auth-secret", default: null, defaultText: "none",
    help: "coturn's static-auth-secret (use-auth-secret): browsers get short-lived credentials.",
    commands: SERVE, secret: true, parse: parseTurnSecret,
  }),
  logLevel: flag<"debug" | "info" | "warn" | "error">({
    kind: "value", metavar: "LEVEL", example: "info", default: "info", defaultText: "info",
    help: "Least severe log level written: debug, info, warn or error.",
    commands: LOGGING, parse: oneOf(["debug", "info", "warn", "error"]),
  }),
  logFormat: flag<"json" | "pretty" | null>({
    kind: "value", metavar: "FORMAT", example: "json", default: null,
    defaultText: "json (pretty on a terminal)",
    help: "Log lines as json or pretty text.",
    commands: LOGGING, parse: oneOf(["json", "pretty"]),
  }),
};

/** A key of the option table, e.g. "dataDir". */
export type FlagKey = keyof typeof FLAGS;

/** Each option's validated value type. */
export type FlagValues = { [K in FlagKey]: (typeof FLAGS)[K] extends FlagSpec<infer T> ? T : never };

/** The option keys in table order. */
export const FLAG_KEYS = Object.keys(FLAGS) as FlagKey[];

/** `dataDir` -> `--data-dir`. */
export function flagName(key: FlagKey): string {
  return "--" + key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

/** `dataDir` -> `YOUMEET_DATA_DIR`. */
export function envName(key: FlagKey): string {
  return "YOUMEET_" + key.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
}

const KEY_BY_FLAG = new Map(FLAG_KEYS.map((key) => [flagName(key), key]));

/** Finds the option a `--flag` spelling names, or null when there is none. */
export function keyForFlag(name: string): FlagKey | null {
  return KEY_BY_FLAG.get(name) ?? null;
}
