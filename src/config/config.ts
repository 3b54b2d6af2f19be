/**
 * Flags + environment -> one frozen, validated Config. This is the only module that looks at
 * environment variables and the only place an option's rules live, so a bad start stops here
 * with one sentence (ConfigError, exit code 2) before anything else opens a file or a port.
 */
import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { isIPv4, isIPv6 } from "node:net";
import { join, resolve } from "node:path";
import { ConfigError } from "./error.ts";
import {
  BOT_TOKEN_PATTERN,
  BOT_TOKEN_SHAPE,
  FLAG_KEYS,
  FLAGS,
  flagName,
  envName,
  quote,
  type CommandName,
  type FlagKey,
  type FlagSpec,
  type FlagValues,
} from "./flags.ts";

export { ConfigError } from "./error.ts";

/** Everything the server needs to know about how it was started; frozen once built. */
export interface Config {
  host: string;
  port: number;
  /** Absolute path. */
  dataDir: string;
  /** `dataDir/youmeet.db`. */
  dbPath: string;
  /** Scheme, host and port only, without a trailing slash: links are built on it. */
  publicUrl: string;
  /** The Origin browsers send for this server; checked on unsafe requests and WebSockets. */
  publicOrigin: string;
  /** True when publicUrl is https: cookies get Secure and the __Host- prefix. */
  secureCookies: boolean;
  telegramBotToken: string | null;
  telegramBotUsername: string | null;
  devLogin: boolean;
  /** 0 keeps accounts forever. */
  retentionInactiveDays: number;
  /** 0 keeps feedback forever. */
  retentionFeedbackDays: number;
  /** purge only: report what would be deleted, delete nothing. */
  dryRun: boolean;
  contactEmail: string | null;
  /** The privacy policy version users must have accepted; logins accept it. */
  privacyPolicyVersion: string;
  metricsToken: string | null;
  /** Loopback peers are a reverse proxy: the client is the last X-Forwarded-For address. */
  trustProxy: boolean;
  /** UDP (and ICE-TCP) ports for media, inclusive. */
  rtcPorts: readonly [number, number];
  /** Address announced in media candidates (1:1 NAT), or null for the interface addresses. */
  publicIp: string | null;
  iceTcp: boolean;
  /** TURN URLs handed to browsers with short-lived credentials from turnSecret. */
  turnUrls: readonly string[];
  turnSecret: string | null;
  logLevel: "debug" | "info" | "warn" | "error";
  logFormat: "json" | "pretty";
}

/** Raw option text as given on the command line, keyed by option (booleans arrive as "true"). */
export type FlagInput = Partial<Record<FlagKey, string>>;

/** What loadConfig needs besides flags and environment. */
export interface LoadOptions {
  /** Only serve, migrate and admin create and write the data directory; healthcheck and version must
   *  work (and have no side effects) even where the data directory is not writable. */
  command: CommandName;
  /** Whether logs go to a terminal; picks the default log format. */
  isTty?: boolean;
  /** Directory relative paths are resolved against; tests pass a temporary one. */
  cwd?: string;
}

/** Builds the validated, frozen Config from command-line option text and the environment. */
export function loadConfig(
  flags: FlagInput,
  env: Record<string, string | undefined>,
  options: LoadOptions,
): Config {
  const cwd = options.cwd ?? process.cwd();
  const { values, labels, given } = readValues(flags, env);

  const telegramBotToken = resolveBotToken(values, labels, cwd);
  if (telegramBotToken !== null && values.telegramBotUsername === null) {
    throw new ConfigError(
      `A Telegram bot token needs ${flagName("telegramBotUsername")} too (the bot's username from @BotFather).`,
    );
  }
  if (telegramBotToken === null && values.telegramBotUsername !== null) {
    throw new ConfigError(
      `${labels.telegramBotUsername} needs a bot token too: set ${flagName("telegramBotToken")} or ${flagName("telegramBotTokenFile")}.`,
    );
  }
  if (values.devLogin && !isLoopbackHost(values.host)) {
    throw new ConfigError(
      `${labels.devLogin} is only allowed when ${labels.host} is a loopback address (127.0.0.1, ::1 or localhost), got ${quote(values.host)}.`,
    );
  }

  if ((values.turnUrl === null) !== (values.turnSecret === null)) {
    throw new ConfigError(
      `${flagName("turnUrl")} and ${flagName("turnSecret")} go together: browsers need both the TURN address and credentials from its secret.`,
    );
  }

  const publicUrl = values.publicUrl ?? `http://localhost:${values.port}`;
  const dataDir = resolve(cwd, values.dataDir);
  if (given.dataDir && values.dataDir === "") {
    throw new ConfigError(`${labels.dataDir} must not be empty.`);
  }
  if (options.command === "serve" || options.command === "migrate" || options.command === "admin") ensureWritableDirectory(dataDir);

  return Object.freeze({
    host: values.host,
    port: values.port,
    dataDir,
    dbPath: join(dataDir, "youmeet.db"),
    publicUrl,
    publicOrigin: new URL(publicUrl).origin,
    secureCookies: publicUrl.startsWith("https:"),
    telegramBotToken,
    telegramBotUsername: values.telegramBotUsername,
    devLogin: values.devLogin,
    retentionInactiveDays: values.retentionInactiveDays,
    retentionFeedbackDays: values.retentionFeedbackDays,
    dryRun: values.dryRun,
    contactEmail: values.contactEmail,
    privacyPolicyVersion: values.privacyPolicyVersion,
    metricsToken: values.metricsToken,
    trustProxy: values.trustProxy,
    rtcPorts: Object.freeze([values.rtcPorts[0], values.rtcPorts[1]] as const),
    publicIp: values.publicIp,
    iceTcp: values.iceTcp,
    turnUrls: Object.freeze([...(values.turnUrl ?? [])]),
    turnSecret: values.turnSecret,
    logLevel: values.logLevel,
    logFormat: values.logFormat ?? (options.isTty ? "pretty" : "json"),
  });
}

/** Redacted copy for printing (tokens -> "[redacted]"); unset secrets stay null so it shows they are unset. */
export function redactConfig(c: Config): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...c };
  for (const key of FLAG_KEYS) {
    if ((FLAGS[key] as FlagSpec<unknown>).secret && copy[key] != null) copy[key] = "[redacted]";
  }
  return copy;
}

/** A flag wins over its environment variable; each value is validated by its row in the table,
 *  and its label remembers which spelling gave it so errors name what the operator wrote. */
function readValues(flags: FlagInput, env: Record<string, string | undefined>) {
  const values: Record<string, unknown> = {};
  const labels = {} as Record<FlagKey, string>;
  const given = {} as Record<FlagKey, boolean>;
  for (const key of FLAG_KEYS) {
    const spec = FLAGS[key] as FlagSpec<unknown>;
    const fromFlag = flags[key];
    const fromEnv = env[envName(key)];
    // An empty variable counts as unset: `docker run -e YOUMEET_X=` and compose files produce them.
    const [raw, label] =
      fromFlag !== undefined
        ? [fromFlag, flagName(key)]
        : fromEnv !== undefined && fromEnv.trim() !== ""
          ? [fromEnv, envName(key)]
          : [undefined, flagName(key)];
    labels[key] = label;
    given[key] = raw !== undefined;
    values[key] = raw === undefined ? spec.default : spec.parse(raw, label);
  }
  return { values: values as FlagValues, labels, given };
}

function resolveBotToken(values: FlagValues, labels: Record<FlagKey, string>, cwd: string): string | null {
  const fileOption = values.telegramBotTokenFile;
  if (values.telegramBotToken !== null && fileOption !== null) {
    throw new ConfigError(
      `${labels.telegramBotToken} and ${labels.telegramBotTokenFile} cannot both be set; give the token one way only.`,
    );
  }
  if (fileOption === null) return values.telegramBotToken;

  const path = resolve(cwd, fileOption);
  const label = `${labels.telegramBotTokenFile} ${quote(path)}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`Cannot read ${label}: ${reasonOf(error)}.`);
  }
  const token = text.trim();
  if (token === "") throw new ConfigError(`${label} is empty.`);
  if (!BOT_TOKEN_PATTERN.test(token)) {
    throw new ConfigError(`The token in ${label} does not look like ${BOT_TOKEN_SHAPE}.`);
  }
  return token;
}

/** True for loopback listen addresses. Dev login signs payloads with a throwaway token, so
 *  anyone who can reach it can be anyone: it must not be reachable from other machines. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost") return true;
  if (isIPv4(h)) return h.startsWith("127.");
  return isIPv6(h) && (h === "::1" || h === "0:0:0:0:0:0:0:1");
}

/** Creating and deleting a file is the only honest test of "writable": permissions, read-only
 *  mounts and full disks all show up here rather than later, inside SQLite. */
function ensureWritableDirectory(dir: string): void {
  const probe = join(dir, `.youmeet-write-test-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "EEXIST" });
    writeFileSync(probe, "", { flag: "wx" });
    unlinkSync(probe);
  } catch (error) {
    throw new ConfigError(`Cannot create or write the data directory ${quote(dir)}: ${reasonOf(error)}.`);
  }
}

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOENT: "no such file or directory",
  ENOTDIR: "part of the path is a file, not a directory",
  EEXIST: "it exists but is not a directory",
  EISDIR: "it is a directory, not a file",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
};

/** Turns a Node file-system error into a short lowercase phrase that ends a sentence cleanly. */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && REASONS[code]) return REASONS[code];
  const message = error instanceof Error ? error.message : String(error);
  // Node's "ECODE: text, syscall 'path'" -> "text"; the path is already in our sentence.
  return message.replace(/^[A-Z0-9_]+: /, "").replace(/, \w+ '.*'$/, "").replace(/\.$/, "") || "unknown error";
}
