import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run, startServer, type RunningServer } from "../helpers/process.ts";
import { scratchDirs } from "../helpers/server.ts";
import { MIGRATIONS } from "../../src/db/migrations.ts";

const MIGRATION_COUNT = MIGRATIONS.length;

const MAIN = join(import.meta.dir, "../../src/main.ts");
const bun = process.execPath;
const scratch = scratchDirs();
const dir = scratch.make;
let server: RunningServer | null = null;
afterEach(() => {
  server?.proc.kill("SIGKILL");
  server = null;
  scratch.removeAll();
});

describe("youmeet command line", () => {
  test("--help lists every subcommand and flag with its environment variable", async () => {
    const { code, stdout } = await run([bun, MAIN, "--help"]);
    expect(code).toBe(0);
    for (const word of ["serve", "migrate", "healthcheck", "version"]) expect(stdout).toContain(word);
    for (const flag of ["host", "port", "data-dir", "public-url", "telegram-bot-token", "telegram-bot-token-file", "telegram-bot-username",
      "dev-login", "retention-inactive-days", "retention-feedback-days", "contact-email", "metrics-token", "log-level", "log-format"]) {
      expect(stdout).toContain(`--${flag}`);
      expect(stdout).toContain(`YOUMEET_${flag.toUpperCase().replaceAll("-", "_")}`);
    }
  });

  test("version prints the package version", async () => {
    const { code, stdout } = await run([bun, MAIN, "version"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^youmeet \d+\.\d+\.\d+\n$/);
  });

  const bad: Array<[string, (d: string) => string[], RegExp]> = [
    ["--port abc", () => ["--port", "abc"], /--port must be a whole number from 0 to 65535, got "abc"\./],
    ["--dev-login on 0.0.0.0", () => ["--dev-login", "--host", "0.0.0.0"], /--dev-login is only allowed when --host is a loopback address/],
    ["an unreadable token file", (d) => ["--telegram-bot-token-file", join(d, "missing"), "--telegram-bot-username", "a_bot"], /Cannot read --telegram-bot-token-file/],
    ["a data dir that cannot be created", (d) => {
      writeFileSync(join(d, "file"), "x");
      return ["--data-dir", join(d, "file", "sub")];
    }, /Cannot create or write the data directory/],
    ["an unknown flag", () => ["--colour", "blue"], /Unknown option --colour; run youmeet --help\./],
  ];
  for (const [name, args, message] of bad) {
    test(`${name} stops the start with one sentence and exit code 2`, async () => {
      const d = dir();
      const { code, stderr } = await run([bun, MAIN, "serve", "--data-dir", join(d, "data"), ...args(d)], { cwd: d });
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split("\n")).toHaveLength(1);
    });
  }

  test("a read-only data dir is refused with exit code 2", async () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere; a directory under /proc cannot be created by anyone.
      const { code, stderr } = await run([bun, MAIN, "serve", "--data-dir", "/proc/youmeet-test"]);
      expect(code).toBe(2);
      expect(stderr).toContain("Cannot create or write the data directory");
      return;
    }
    const d = dir();
    chmodSync(d, 0o500);
    const { code } = await run([bun, MAIN, "serve", "--data-dir", join(d, "data")]);
    expect(code).toBe(2);
  });

  test("migrate applies the migrations and exits 0; a newer database is refused by migrate and serve", async () => {
    const d = dir();
    const first = await run([bun, MAIN, "migrate", "--data-dir", d, "--log-format", "json"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("is up to date");
    const db = new Database(join(d, "youmeet.db"));
    expect(db.query("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({ n: MIGRATION_COUNT });
    db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '0099_future.sql', 0)");
    db.close();
    for (const sub of ["migrate", "serve"]) {
      const refused = await run([bun, MAIN, sub, "--data-dir", d, "--port", "0", "--log-format", "json"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("newer than this youmeet knows");
    }
  });

  test("serve answers, healthcheck says healthy, SIGTERM stops it with exit 0", async () => {
    const d = dir();
    server = await startServer([bun, MAIN, "--data-dir", d, "--port", "0", "--log-format", "json"]);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    const port = new URL(server.baseUrl).port;
    const healthy = await run([bun, MAIN, "healthcheck", "--port", port]);
    expect(healthy.code).toBe(0);
    server.proc.kill("SIGTERM");
    expect(await server.proc.exited).toBe(0);
    expect(server.lines.some((l) => l.includes('"server_stopped"'))).toBe(true);
    const unhealthy = await run([bun, MAIN, "healthcheck", "--port", port]);
    expect(unhealthy.code).toBe(1);
    expect(unhealthy.stdout).toContain("unhealthy");
  });
});
