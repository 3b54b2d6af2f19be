import type { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandLine } from "../../src/cli/args.ts";
import type { Config } from "../../src/config/config.ts";
import { migrate } from "../../src/db/migrate.ts";
import { MIGRATIONS } from "../../src/db/migrations.ts";
import { openDatabase } from "../../src/db/open.ts";
import { createLogger, type Logger } from "../../src/log/logger.ts";
import { compose } from "../../src/main.ts";

/** A bot token for tests; never a real one. */
export const TEST_BOT_TOKEN = "123456789:AAEtestTOKENtestTOKENtestTOKENtest12";
export const TEST_BOT_USERNAME = "youmeet_test_bot";
export const TEST_ORIGIN = "http://localhost:8080";

let nextRtcPort = 42000 + Math.floor(Math.random() * 100) * 100;

/** A media port range no other test app in this process uses. */
function portRange(size = 80): string {
  const start = nextRtcPort;
  nextRtcPort = nextRtcPort + size > 60000 ? 42000 : nextRtcPort + size;
  return `${start}-${start + size - 1}`;
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = "youmeet-test-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Temporary directories for one test file: `make()` in a test, `removeAll()` in afterEach. */
export function scratchDirs(): { make: () => string; removeAll: () => void } {
  const made: Array<{ remove: () => void }> = [];
  return {
    make: () => {
      const dir = tempDir();
      made.push(dir);
      return dir.path;
    },
    removeAll: () => made.splice(0).forEach((d) => d.remove()),
  };
}

/** The app over a fresh SQLite file, with a clock the test sets, and a way to clean up. */
export interface TestApp {
  config: Config;
  db: Database;
  clock: { now: number };
  logLines: string[];
  stores: Awaited<ReturnType<typeof compose>>["stores"];
  app: Awaited<ReturnType<typeof compose>>["app"];
  hub: Awaited<ReturnType<typeof compose>>["hub"];
  /** A browser-like client that keeps the session cookie and the page's form token. */
  client(origin?: string): TestClient;
  /** Also serves the app on loopback (a free port unless given); returns its base URL. */
  listen(port?: number): string;
  close(): void;
}

/** Starts the app (not listening) exactly as `youmeet serve` composes it, with these flags. */
export async function startTestApp(flags: string[] = ["--dev-login"]): Promise<TestApp> {
  const dir = tempDir();
  const command = parseCommandLine(
    ["serve", "--data-dir", dir.path, "--public-url", TEST_ORIGIN, "--log-format", "json", "--rtc-ports", portRange(), ...flags],
    {},
    { cwd: dir.path },
  );
  if (command.name === "help") throw new Error("unexpected help");
  const config = command.config;
  const db = openDatabase(config.dbPath);
  migrate(db, MIGRATIONS);
  const clock = { now: Date.now() };
  const logLines: string[] = [];
  const logger: Logger = createLogger({ level: "debug", format: "json", sink: (line) => logLines.push(line) });
  const { app, stores, sfu, hub } = await compose(config, logger, db, () => clock.now);
  return {
    config,
    db,
    clock,
    logLines,
    stores,
    app,
    hub,
    client: (origin = config.publicOrigin) => new TestClient((request) => app.handle(request), origin),
    listen: (port = 0) => {
      app.listen({ hostname: "127.0.0.1", port });
      return `http://127.0.0.1:${app.server!.port}`;
    },
    close: () => {
      if (app.server) void app.stop(true);
      void sfu.close();
      db.close();
      dir.remove();
    },
  };
}

/** What a request answered, with its body read once. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json<T = any>(): T;
}

/** Keeps cookies like a browser and picks up the csrf-token meta tag of every page. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  csrfToken = "";

  constructor(
    private readonly handle: (request: Request) => Promise<Response>,
    readonly origin: string,
  ) {}

  /** Sends a request; `origin: null` leaves the Origin header out. */
  async send(
    method: string,
    path: string,
    options: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string>; origin?: string | null; body?: string } = {},
  ): Promise<Answer> {
    const headers = new Headers(options.headers);
    if (this.cookies.size > 0 && !headers.has("cookie")) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const origin = options.origin === undefined ? this.origin : options.origin;
    if (method !== "GET" && origin !== null) headers.set("origin", origin);
    let body: string | undefined = options.body;
    if (options.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(options.json);
    }
    const response = await this.handle(new Request(this.origin + path, { method, headers, body }));
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, value] = pair!.split("=");
      if (/Max-Age=0/i.test(cookie)) this.cookies.delete(name!);
      else this.cookies.set(name!, value ?? "");
    }
    const text = await response.text();
    const meta = text.match(/<meta name="csrf-token" content="([^"]*)">/);
    if (meta) this.csrfToken = meta[1]!;
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  }

  /** GET a path. */
  get(path: string, headers?: Record<string, string>): Promise<Answer> {
    return this.send("GET", path, { headers });
  }

  /** POST a form with the current page's token (unless `_csrf` is given). */
  post(path: string, form: Record<string, string> = {}, options: { origin?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
    return this.send("POST", path, { form: { _csrf: this.csrfToken, ...form }, ...options });
  }

  /** Logs in through the dev login form and returns the dashboard answer's status. */
  async devLogin(name: string): Promise<Answer> {
    await this.get("/login");
    const answer = await this.post("/auth/dev", { name });
    await this.get("/dashboard");
    return answer;
  }
}

/** Number of rows in a table (to prove nothing was written). */
export function countRows(db: Database, table: string): number {
  return db.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
}
