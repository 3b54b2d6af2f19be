import type { Database } from "bun:sqlite";
import packageJson from "../package.json" with { type: "json" };
import { LoginService } from "./auth/login.ts";
import { SessionService } from "./auth/sessions.ts";
import { parseCommandLine } from "./cli/args.ts";
import { healthcheck } from "./cli/healthcheck.ts";
import { ConfigError, redactConfig, type Config } from "./config/config.ts";
import { DatabaseTooNewError, MigrationError, migrate } from "./db/migrate.ts";
import { MIGRATIONS } from "./db/migrations.ts";
import { openDatabase } from "./db/open.ts";
import { createApp, MAX_BODY_BYTES } from "./http/app.ts";
import { createLogger, type Logger } from "./log/logger.ts";
import { staticDirectory } from "./paths.ts";
import { createStores, type Stores } from "./store/index.ts";

const HOUR_MS = 60 * 60 * 1000;

/** Composition root: argv -> config -> logger -> db -> stores -> services -> http. */
async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCommandLine(argv, process.env, { isTty: process.stderr.isTTY });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`youmeet: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
  switch (command.name) {
    case "help":
      process.stdout.write(command.text.endsWith("\n") ? command.text : command.text + "\n");
      return 0;
    case "version":
      process.stdout.write(`youmeet ${packageJson.version}\n`);
      return 0;
    case "healthcheck":
      return healthcheck(command.config.host, command.config.port, (line) => process.stdout.write(line + "\n"));
    case "migrate":
      return runMigrate(command.config);
    case "serve":
      return serve(command.config);
  }
}

function loggerFor(config: Config): Logger {
  return createLogger({ level: config.logLevel, format: config.logFormat });
}

/** Opens the database and brings its schema up to date, or explains why it cannot. */
function openMigrated(config: Config, logger: Logger): Database | null {
  let db: Database | undefined;
  try {
    db = openDatabase(config.dbPath);
    const applied = migrate(db, MIGRATIONS);
    if (applied.length > 0) logger.info("migrations_applied", { files: applied, db: config.dbPath });
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof MigrationError || error instanceof DatabaseTooNewError) {
      logger.error("database_refused", { reason: error.message, db: config.dbPath });
      process.stderr.write(`youmeet: ${error.message}\n`);
      return null;
    }
    const message = error instanceof Error ? error.message : String(error);
    logger.error("database_open_failed", { reason: message, db: config.dbPath });
    process.stderr.write(`youmeet: cannot open the database ${config.dbPath}: ${message}\n`);
    return null;
  }
}

function runMigrate(config: Config): number {
  const logger = loggerFor(config);
  const db = openMigrated(config, logger);
  if (!db) return 1;
  db.close();
  process.stdout.write(`Database ${config.dbPath} is up to date.\n`);
  return 0;
}

/** Deletes what has expired on its own: sessions and used login hashes. */
function sweepExpired(stores: Stores, logger: Logger): void {
  const now = Date.now();
  const sessions = stores.sessions.deleteExpired(now);
  const hashes = stores.loginHashes.deleteExpired(now);
  if (sessions + hashes > 0) logger.info("expired_deleted", { sessions, login_hashes: hashes });
}

/** Builds stores, services and the HTTP app over an open, migrated database. */
export async function compose(config: Config, logger: Logger, db: Database, now: () => number = Date.now) {
  const stores = createStores(db);
  const sessions = new SessionService(stores, now);
  const login = new LoginService(
    stores,
    sessions,
    { botToken: config.telegramBotToken, botUsername: config.telegramBotUsername, devLogin: config.devLogin },
    now,
  );
  const app = await createApp({
    config,
    logger,
    stores,
    sessions,
    login,
    csrfSecret: stores.secrets.getOrCreate("csrf", 32, now()),
    staticDir: staticDirectory(),
    now,
  });
  return { app, stores, sessions, login };
}

async function serve(config: Config): Promise<number> {
  const logger = loggerFor(config);
  const db = openMigrated(config, logger);
  if (!db) return 1;
  const { app, stores } = await compose(config, logger, db);

  sweepExpired(stores, logger);
  const sweeper = setInterval(() => sweepExpired(stores, logger), HOUR_MS);

  try {
    app.listen({ hostname: config.host, port: config.port, maxRequestBodySize: MAX_BODY_BYTES });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`youmeet: cannot listen on ${config.host}:${config.port}: ${message}\n`);
    db.close();
    return 1;
  }
  const port = app.server?.port ?? config.port;
  logger.info("server_started", {
    version: packageJson.version,
    url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`,
    public_url: config.publicUrl,
    telegram_login: config.telegramBotToken !== null,
    dev_login: config.devLogin,
    config: redactConfig(config),
  });

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info("server_stopping", { signal });
      clearInterval(sweeper);
      // Stop accepting, let requests in flight finish, then close the database.
      await app.stop(false);
      db.close();
      logger.info("server_stopped", {});
      resolve(0);
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
  });
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
  process.exit();
}
