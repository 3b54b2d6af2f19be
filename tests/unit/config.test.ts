import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandLine, type Command } from "../../src/cli/args.ts";
import { ConfigError, redactConfig, type Config } from "../../src/config/config.ts";
import { FLAG_KEYS, envName, flagName } from "../../src/config/flags.ts";
import { PRIVACY_POLICY_VERSION } from "../../views/pages/privacy.ts";

const TOKEN = "777777777:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const METRICS = "metrics-secret-0123456789";

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "youmeet-config-"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function run(argv: string[], env: Record<string, string | undefined> = {}, isTty = false): Command {
  return parseCommandLine(argv, env, { cwd, isTty });
}

function config(argv: string[], env: Record<string, string | undefined> = {}): Config {
  const command = run(argv, env);
  if (command.name === "help") throw new Error("expected a config, got help");
  return command.config;
}

function help(argv: string[]): string {
  const command = run(argv);
  if (command.name !== "help") throw new Error(`expected help, got ${command.name}`);
  return command.text;
}

/** The sentence a bad start prints; also checks it is one line and a ConfigError (exit code 2). */
function errorOf(argv: string[], env: Record<string, string | undefined> = {}): string {
  try {
    run(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toMatch(/\.$/);
    return message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to fail`);
}

describe("defaults", () => {
  test("no arguments runs serve with every default", () => {
    const command = run([]);
    expect(command.name).toBe("serve");
    const c = config([]);
    expect(c).toEqual({
      host: "127.0.0.1",
      port: 8080,
      dataDir: join(cwd, "data"),
      dbPath: join(cwd, "data", "youmeet.db"),
      publicUrl: "http://localhost:8080",
      publicOrigin: "http://localhost:8080",
      secureCookies: false,
      telegramBotToken: null,
      telegramBotUsername: null,
      devLogin: false,
      retentionInactiveDays: 365,
      retentionFeedbackDays: 180,
      dryRun: false,
      contactEmail: null,
      privacyPolicyVersion: PRIVACY_POLICY_VERSION,
      metricsToken: null,
      trustProxy: false,
      rtcPorts: [40000, 40199],
      publicIp: null,
      iceTcp: false,
      turnUrls: [],
      turnSecret: null,
      logLevel: "info",
      logFormat: "json",
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  test("the data directory is created and the write probe leaves nothing behind", () => {
    const c = config(["--data-dir", "nested/dir"]);
    expect(c.dataDir).toBe(join(cwd, "nested", "dir"));
    expect(readdirSync(c.dataDir)).toEqual([]);
  });

  test("log format is pretty on a terminal unless set", () => {
    const tty = run([], {}, true);
    expect(tty.name === "serve" && tty.config.logFormat).toBe("pretty");
    const forced = run(["--log-format", "json"], {}, true);
    expect(forced.name === "serve" && forced.config.logFormat).toBe("json");
  });

  test("the default public URL follows the port", () => {
    expect(config(["--port", "9090"]).publicUrl).toBe("http://localhost:9090");
    expect(config(["--port", "0"]).port).toBe(0);
  });
});

describe("flags and environment", () => {
  test("a flag wins over its environment variable, in both spellings", () => {
    expect(config([], { YOUMEET_PORT: "9000" }).port).toBe(9000);
    expect(config(["--port", "9001"], { YOUMEET_PORT: "9000" }).port).toBe(9001);
    expect(config(["--port=9002"], { YOUMEET_PORT: "9000" }).port).toBe(9002);
    expect(config(["--log-level=debug"], { YOUMEET_LOG_LEVEL: "error" }).logLevel).toBe("debug");
  });

  test("an empty environment variable counts as unset", () => {
    expect(config([], { YOUMEET_PORT: "", YOUMEET_CONTACT_EMAIL: " " }).port).toBe(8080);
  });

  test("every option can come from the environment", () => {
    writeFileSync(join(cwd, "token"), TOKEN + "\n");
    const c = config([], {
      YOUMEET_HOST: "localhost",
      YOUMEET_PORT: "8443",
      YOUMEET_DATA_DIR: "store",
      YOUMEET_PUBLIC_URL: "https://Meet.Example.com:443/",
      YOUMEET_TELEGRAM_BOT_TOKEN_FILE: "token",
      YOUMEET_TELEGRAM_BOT_USERNAME: "@my_meet_bot",
      YOUMEET_DEV_LOGIN: "1",
      YOUMEET_RETENTION_INACTIVE_DAYS: "0",
      YOUMEET_RETENTION_FEEDBACK_DAYS: "30",
      YOUMEET_CONTACT_EMAIL: "privacy@example.com",
      YOUMEET_PRIVACY_POLICY_VERSION: "2027-01",
      YOUMEET_METRICS_TOKEN: METRICS,
      YOUMEET_TRUST_PROXY: "yes",
      YOUMEET_RTC_PORTS: "50000-50099",
      YOUMEET_PUBLIC_IP: "203.0.113.7",
      YOUMEET_ICE_TCP: "true",
      YOUMEET_TURN_URL: "turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349",
      YOUMEET_TURN_SECRET: "a-static-auth-secret",
      YOUMEET_LOG_LEVEL: "warn",
      YOUMEET_LOG_FORMAT: "pretty",
    });
    expect(c).toEqual({
      host: "localhost",
      port: 8443,
      dataDir: join(cwd, "store"),
      dbPath: join(cwd, "store", "youmeet.db"),
      publicUrl: "https://meet.example.com",
      publicOrigin: "https://meet.example.com",
      secureCookies: true,
      telegramBotToken: TOKEN,
      telegramBotUsername: "my_meet_bot",
      devLogin: true,
      retentionInactiveDays: 0,
      retentionFeedbackDays: 30,
      dryRun: false,
      contactEmail: "privacy@example.com",
      privacyPolicyVersion: "2027-01",
      metricsToken: METRICS,
      trustProxy: true,
      rtcPorts: [50000, 50099],
      publicIp: "203.0.113.7",
      iceTcp: true,
      turnUrls: ["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"],
      turnSecret: "a-static-auth-secret",
      logLevel: "warn",
      logFormat: "pretty",
    });
  });

  test("a token given directly, with its username", () => {
    const c = config(["--telegram-bot-token", TOKEN, "--telegram-bot-username", "My_Meet_Bot"]);
    expect(c.telegramBotToken).toBe(TOKEN);
    expect(c.telegramBotUsername).toBe("My_Meet_Bot");
  });

  test("switch spellings of --dev-login", () => {
    expect(config(["--dev-login"]).devLogin).toBe(true);
    expect(config(["--dev-login=true"]).devLogin).toBe(true);
    expect(config(["--dev-login=false"], { YOUMEET_DEV_LOGIN: "true" }).devLogin).toBe(false);
    expect(config([], { YOUMEET_DEV_LOGIN: "true" }).devLogin).toBe(true);
    // A switch takes no value, so the word after it is still the command.
    expect(run(["--dev-login", "migrate"]).name).toBe("migrate");
  });

  test("dev login is allowed on every loopback address", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]) {
      expect(config(["--dev-login", "--host", host]).devLogin).toBe(true);
    }
  });
});

describe("bad values stop the start with one sentence", () => {
  test("--port abc", () => {
    expect(errorOf(["--port", "abc"])).toBe('--port must be a whole number from 0 to 65535, got "abc".');
    expect(errorOf(["--port=70000"])).toBe('--port must be a whole number from 0 to 65535, got "70000".');
    expect(errorOf(["--port", "80.5"])).toBe('--port must be a whole number from 0 to 65535, got "80.5".');
  });

  test("network options: port range, public IP, TURN", () => {
    for (const range of ["40000", "40199-40000", "80-100", "40000-40003", "a-b"]) {
      expect(errorOf(["--rtc-ports", range])).toBe(
        `--rtc-ports must be a UDP port range like 40000-40199 (ports 1024-65535, at least 10 ports), got ${JSON.stringify(range)}.`,
      );
    }
    expect(errorOf(["--public-ip", "example.com"])).toBe('--public-ip must be an IPv4 address like 203.0.113.7, got "example.com".');
    expect(errorOf(["--turn-url", "http://x"])).toContain("--turn-url must be one or more comma-separated TURN URLs");
    expect(errorOf(["--turn-url", "turn:t.example.com:3478"])).toContain("--turn-url and --turn-secret go together");
    expect(errorOf(["--turn-secret", "0123456789abcdef"])).toContain("--turn-url and --turn-secret go together");
    expect(errorOf(["--turn-url", "turn:t.example.com", "--turn-secret", "short"])).toBe(
      "--turn-secret must be at least 16 characters (coturn's static-auth-secret).",
    );
  });

  test("a bad environment variable is named as the operator wrote it", () => {
    expect(errorOf([], { YOUMEET_PORT: "abc" })).toBe('YOUMEET_PORT must be a whole number from 0 to 65535, got "abc".');
  });

  test("--dev-login on a non-loopback host", () => {
    expect(errorOf(["--dev-login", "--host", "0.0.0.0"])).toBe(
      '--dev-login is only allowed when --host is a loopback address (127.0.0.1, ::1 or localhost), got "0.0.0.0".',
    );
    expect(errorOf([], { YOUMEET_DEV_LOGIN: "1", YOUMEET_HOST: "192.168.1.5" })).toBe(
      'YOUMEET_DEV_LOGIN is only allowed when YOUMEET_HOST is a loopback address (127.0.0.1, ::1 or localhost), got "192.168.1.5".',
    );
  });

  test("an unreadable, empty or malformed token file", () => {
    const missing = join(cwd, "missing-token");
    const user = ["--telegram-bot-username", "my_meet_bot"];
    expect(errorOf(["--telegram-bot-token-file", missing, ...user])).toBe(
      `Cannot read --telegram-bot-token-file "${missing}": no such file or directory.`,
    );
    expect(errorOf(["--telegram-bot-token-file", cwd, ...user])).toBe(
      `Cannot read --telegram-bot-token-file "${cwd}": it is a directory, not a file.`,
    );
    writeFileSync(join(cwd, "empty"), "\n");
    expect(errorOf(["--telegram-bot-token-file", "empty", ...user])).toBe(
      `--telegram-bot-token-file "${join(cwd, "empty")}" is empty.`,
    );
    writeFileSync(join(cwd, "bad"), "not-a-token-secret");
    const message = errorOf(["--telegram-bot-token-file", "bad", ...user]);
    expect(message).toStartWith(`The token in --telegram-bot-token-file "${join(cwd, "bad")}" does not look like a bot token`);
    expect(message).not.toContain("not-a-token-secret");
  });

  test("a data directory that cannot be created or written", () => {
    const file = join(cwd, "a-file");
    writeFileSync(file, "x");
    expect(errorOf(["--data-dir", join(file, "sub")])).toBe(
      `Cannot create or write the data directory "${join(file, "sub")}": part of the path is a file, not a directory.`,
    );
    expect(errorOf(["--data-dir", file])).toBe(
      `Cannot create or write the data directory "${file}": it exists but is not a directory.`,
    );
    expect(errorOf(["--data-dir", "/proc/youmeet-test"])).toBe(
      'Cannot create or write the data directory "/proc/youmeet-test": no such file or directory.',
    );
  });

  test("healthcheck and version neither create nor check the data directory", () => {
    expect(run(["healthcheck", "--data-dir", "/proc/youmeet-test"]).name).toBe("healthcheck");
    expect(run(["version"]).name).toBe("version");
    expect(existsSync(join(cwd, "data"))).toBe(false);
    expect(run(["migrate"]).name).toBe("migrate");
    expect(existsSync(join(cwd, "data"))).toBe(true);
  });

  test("both a token and a token file", () => {
    writeFileSync(join(cwd, "token"), TOKEN);
    expect(errorOf(["--telegram-bot-token", TOKEN, "--telegram-bot-token-file", "token"])).toBe(
      "--telegram-bot-token and --telegram-bot-token-file cannot both be set; give the token one way only.",
    );
    expect(errorOf(["--telegram-bot-token-file", "token"], { YOUMEET_TELEGRAM_BOT_TOKEN: TOKEN })).toBe(
      "YOUMEET_TELEGRAM_BOT_TOKEN and --telegram-bot-token-file cannot both be set; give the token one way only.",
    );
  });

  test("a token without a username, and a username without a token", () => {
    expect(errorOf(["--telegram-bot-token", TOKEN])).toBe(
      "A Telegram bot token needs --telegram-bot-username too (the bot's username from @BotFather).",
    );
    expect(errorOf(["--telegram-bot-username", "my_meet_bot"])).toBe(
      "--telegram-bot-username needs a bot token too: set --telegram-bot-token or --telegram-bot-token-file.",
    );
  });

  test("a malformed token is refused without echoing it", () => {
    const message = errorOf(["--telegram-bot-token", "12345:short-secret", "--telegram-bot-username", "my_meet_bot"]);
    expect(message).toStartWith("--telegram-bot-token does not look like a bot token from @BotFather");
    expect(message).not.toContain("short-secret");
  });

  test("a bad bot username", () => {
    expect(errorOf(["--telegram-bot-token", TOKEN, "--telegram-bot-username", "meet"])).toBe(
      '--telegram-bot-username must be a Telegram bot username (5 to 32 letters, digits or "_", ending in "bot"), got "meet".',
    );
  });

  test("a bad public URL", () => {
    const scheme = (v: string) =>
      `--public-url must be an http:// or https:// address like https://meet.example.com, got ${JSON.stringify(v)}.`;
    const extra = (v: string) =>
      `--public-url must be only a scheme, host and optional port (no path, query, fragment or user name), got ${JSON.stringify(v)}.`;
    expect(errorOf(["--public-url", "meet.example.com"])).toBe(scheme("meet.example.com"));
    expect(errorOf(["--public-url", "ftp://meet.example.com"])).toBe(scheme("ftp://meet.example.com"));
    for (const v of ["https://meet.example.com/app", "https://meet.example.com/?a=1", "https://meet.example.com?", "https://meet.example.com/#x", "https://u:p@meet.example.com"]) {
      expect(errorOf(["--public-url", v])).toBe(extra(v));
    }
  });

  test("a bad email", () => {
    expect(errorOf(["--contact-email", "privacy at example"])).toBe(
      '--contact-email must be an email address like privacy@example.com, got "privacy at example".',
    );
    expect(errorOf(["--contact-email", "a@b"])).toBe('--contact-email must be an email address like privacy@example.com, got "a@b".');
  });

  test("a privacy policy version that is empty, too long or not a plain word", () => {
    const message = (v: string) =>
      `--privacy-policy-version must be 1 to 40 letters, digits, ".", "_" or "-" (a date like 2026-12-04 works), got ${JSON.stringify(v)}.`;
    for (const v of ["v 2", "-1", "<b>", "x".repeat(41)]) expect(errorOf(["--privacy-policy-version", v])).toBe(message(v));
    expect(config(["--privacy-policy-version", " 2027.1_b "]).privacyPolicyVersion).toBe("2027.1_b");
  });

  test("negative or fractional retention", () => {
    expect(errorOf(["--retention-inactive-days", "-1"])).toBe(
      '--retention-inactive-days must be a whole number of days from 0 (keep forever) to 36500, got "-1".',
    );
    expect(errorOf([], { YOUMEET_RETENTION_FEEDBACK_DAYS: "1.5" })).toBe(
      'YOUMEET_RETENTION_FEEDBACK_DAYS must be a whole number of days from 0 (keep forever) to 36500, got "1.5".',
    );
  });

  test("a short or unprintable metrics token is refused without echoing it", () => {
    expect(errorOf(["--metrics-token", "short"])).toBe("--metrics-token must be 16 to 256 characters long, got 5.");
    const spaced = errorOf(["--metrics-token", "has spaces in it, long enough"]);
    expect(spaced).toBe("--metrics-token may contain only visible ASCII characters, without spaces.");
  });

  test("bad log settings, switch values and hosts", () => {
    expect(errorOf(["--log-level", "verbose"])).toBe('--log-level must be one of debug, info, warn, error, got "verbose".');
    expect(errorOf(["--log-format", "xml"])).toBe('--log-format must be one of json, pretty, got "xml".');
    expect(errorOf(["--dev-login=maybe"])).toBe('--dev-login must be true or false, got "maybe".');
    expect(errorOf(["--host", "bad host"])).toBe('--host must be an IP address or host name, got "bad host".');
  });

  test("an unknown option", () => {
    expect(errorOf(["--foo"])).toBe("Unknown option --foo; run youmeet --help.");
    expect(errorOf(["--foo=secret"])).toBe("Unknown option --foo; run youmeet --help.");
    expect(errorOf(["-p", "80"])).toBe("Unknown option -p; run youmeet --help.");
  });

  test("a missing value", () => {
    expect(errorOf(["--port"])).toBe("--port needs a value, e.g. --port 8080.");
    expect(errorOf(["--port="])).toBe("--port needs a value, e.g. --port 8080.");
    expect(errorOf(["--data-dir", "--port", "80"])).toBe("--data-dir needs a value, e.g. --data-dir ./data.");
  });

  test("an unknown command or a stray argument", () => {
    expect(errorOf(["start"])).toBe('Unknown command "start"; run youmeet --help.');
    expect(errorOf(["serve", "now"])).toBe('Unexpected argument "now"; run youmeet --help.');
    expect(errorOf(["help", "start"])).toBe('Unknown command "start"; run youmeet --help.');
  });

  test("the first mistake on the line is the one reported", () => {
    expect(errorOf(["--foo", "--port", "abc"])).toBe("Unknown option --foo; run youmeet --help.");
  });
});

describe("subcommands and help", () => {
  test("each subcommand, in any position", () => {
    expect(run(["migrate"]).name).toBe("migrate");
    expect(run(["--port", "9000", "healthcheck"]).name).toBe("healthcheck");
    expect(run(["version"]).name).toBe("version");
    expect(run(["--version"]).name).toBe("version");
    expect(run(["serve", "--version"]).name).toBe("version");
  });

  test("--help anywhere gives help, even after a mistake", () => {
    const main = help(["--help"]);
    expect(help(["-h"])).toBe(main);
    expect(help(["help"])).toBe(main);
    expect(help(["--port", "abc", "--foo", "-h"])).toBe(main);
    expect(main).toStartWith("youmeet: self-hosted video meetings.");
  });

  test("help for one subcommand lists only its options", () => {
    const migrate = help(["migrate", "--help"]);
    expect(help(["help", "migrate"])).toBe(migrate);
    expect(help(["--help", "migrate"])).toBe(migrate);
    expect(migrate).toStartWith("youmeet migrate: Apply pending database migrations and exit.");
    expect(migrate).toContain("--data-dir DIR");
    expect(migrate).not.toContain("--telegram-bot-token");
    const healthcheck = help(["healthcheck", "-h"]);
    expect(healthcheck).toContain("--port PORT");
    expect(healthcheck).toContain("YOUMEET_HOST");
    expect(help(["version", "--help"])).toContain("youmeet --version");
  });

  test("the main help lists every subcommand, flag, environment variable and default", () => {
    const text = help(["--help"]);
    for (const name of ["serve", "migrate", "healthcheck", "version", "help"]) {
      expect(text).toMatch(new RegExp(`^  ${name} `, "m"));
    }
    for (const key of FLAG_KEYS) {
      expect(text).toContain(flagName(key));
      expect(text).toContain(envName(key));
    }
    for (const fragment of ["default 127.0.0.1", "default 8080", "default ./data", "default http://localhost:PORT", "default 365", "default 180", `default ${PRIVACY_POLICY_VERSION}`, "default info", "default json (pretty on a terminal)", "default off"]) {
      expect(text).toContain(fragment);
    }
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe("redaction", () => {
  test("tokens are replaced and nothing else changes", () => {
    const c = config(["--telegram-bot-token", TOKEN, "--telegram-bot-username", "my_meet_bot", "--metrics-token", METRICS]);
    const shown = redactConfig(c);
    expect(shown.telegramBotToken).toBe("[redacted]");
    expect(shown.metricsToken).toBe("[redacted]");
    expect(JSON.stringify(shown)).not.toContain(TOKEN.split(":")[1]!);
    expect(JSON.stringify(shown)).not.toContain(METRICS);
    expect({ ...shown, telegramBotToken: c.telegramBotToken, metricsToken: c.metricsToken }).toEqual({ ...c });
    expect(c.telegramBotToken).toBe(TOKEN);
  });

  test("unset secrets stay visibly unset", () => {
    const shown = redactConfig(config([]));
    expect(shown.telegramBotToken).toBeNull();
    expect(shown.metricsToken).toBeNull();
  });
});
