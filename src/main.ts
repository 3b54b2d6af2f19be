import type { Database } from "bun:sqlite";
import packageJson from "../package.json" with { type: "json" };
import { LoginService } from "./auth/login.ts";
import { SessionService } from "./auth/sessions.ts";
import { parseCommandLine } from "./cli/args.ts";
import { healthcheck } from "./cli/healthcheck.ts";
import { ConfigError, redactConfig, type Config } from "./config/config.ts";
import { CallService } from "./contacts/calls.ts";
import { LivePages } from "./contacts/live.ts";
import { ContactService } from "./contacts/service.ts";
import { DatabaseTooNewError, MigrationError, migrate } from "./db/migrate.ts";
import { MIGRATIONS } from "./db/migrations.ts";
import { openDatabase } from "./db/open.ts";
import { createApp, MAX_BODY_BYTES } from "./http/app.ts";
import { GuestTokens } from "./auth/guest-tokens.ts";
import { isLoopbackHost } from "./config/config.ts";
import { createLogger, type Logger } from "./log/logger.ts";
import { applyRetention } from "./privacy/retention.ts";
import { RoomService } from "./rooms/service.ts";
import { createSfu } from "./sfu/index.ts";
import { SignalHub } from "./signal/hub.ts";
import { iceServersFor } from "./signal/ice-servers.ts";
import { announcedAddresses, mediaAddressWarning } from "./signal/media-setup.ts";
import { staticDirectory } from "./paths.ts";
import { createStores, type Stores } from "./store/index.ts";

const HOUR_MS = 60 * 60 * 1000;
/** Most people in one call (plans will set their own limit). */
const MAX_PARTICIPANTS_PER_CALL = 25;

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

/** Applies retention now: inactive accounts, expired sessions and login hashes. */
function sweepExpired(stores: Stores, config: Config, logger: Logger): void {
  const result = applyRetention(stores, { inactiveDays: config.retentionInactiveDays }, Date.now());
  if (result.inactiveAccounts.length + result.expiredSessions + result.expiredLoginHashes > 0) {
    logger.info("retention_applied", {
      inactive_accounts: result.inactiveAccounts,
      expired_sessions: result.expiredSessions,
      expired_login_hashes: result.expiredLoginHashes,
    });
  }
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
  let hub: SignalHub | null = null;
  const sfu = createSfu({
    logger,
    portRange: [config.rtcPorts[0], config.rtcPorts[1]],
    announcedAddress: config.publicIp ?? undefined,
    // werift does not gather loopback; a server bound to loopback serves browsers on this machine.
    iceAdditionalHostAddresses: isLoopbackHost(config.host) ? ["127.0.0.1"] : [],
    iceTcp: config.iceTcp,
    onEvent: (event) => hub?.onSfuEvent(event),
  });
  hub = new SignalHub({
    sfu,
    logger,
    findRoom: (roomId) => stores.rooms.find(roomId),
    maxParticipants: MAX_PARTICIPANTS_PER_CALL,
    iceServersFor: (peerId) => iceServersFor({ urls: config.turnUrls, secret: config.turnSecret }, peerId, now()),
  });
  const rooms = new RoomService(stores, hub, now);
  const live = new LivePages();
  const contacts = new ContactService(stores, live, now);
  const calls = new CallService(stores, rooms, live, now);
  const guests = new GuestTokens(stores.secrets.getOrCreate("guest", 32, now()), now);
  const app = await createApp({
    config,
    logger,
    stores,
    sessions,
    login,
    rooms,
    hub,
    contacts,
    calls,
    live,
    guests,
    csrfSecret: stores.secrets.getOrCreate("csrf", 32, now()),
    staticDir: staticDirectory(),
    now,
  });
  return { app, stores, sessions, login, rooms, hub, sfu, contacts, calls, live };
}

async function serve(config: Config): Promise<number> {
  const logger = loggerFor(config);
  const db = openMigrated(config, logger);
  if (!db) return 1;
  const { app, stores, hub, calls, live } = await compose(config, logger, db);

  sweepExpired(stores, config, logger);
  const sweeper = setInterval(() => sweepExpired(stores, config, logger), HOUR_MS);

  try {
    app.listen({ hostname: config.host, port: config.port, maxRequestBodySize: MAX_BODY_BYTES });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`youmeet: cannot listen on ${config.host}:${config.port}: ${message}\n`);
    db.close();
    return 1;
  }
  const port = app.server?.port ?? config.port;
  logger.info("media_setup", {
    rtc_ports: `${config.rtcPorts[0]}-${config.rtcPorts[1]}`,
    announced_addresses: announcedAddresses(config.publicIp),
    ice_tcp: config.iceTcp,
    turn: config.turnUrls.length > 0,
  });
  const mediaWarning = mediaAddressWarning(config.publicUrl, config.publicIp);
  if (mediaWarning) logger.warn("media_address_private", { reason: mediaWarning });
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
      // Stop accepting, end calls (telling everyone), let requests in flight finish, then close the database.
      await hub.closeAll();
      // Open pages' event streams would otherwise hold the HTTP server open.
      calls.close();
      live.closeAll();
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
