import type { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import packageJson from "../package.json" with { type: "json" };
import { LoginService } from "./auth/login.ts";
import { SessionService } from "./auth/sessions.ts";
import { parseCommandLine } from "./cli/args.ts";
import { ADMIN_ENTRIES } from "./cli/admin/entries.ts";
import { planAdmin, reportPlan } from "./cli/admin/index.ts";
import { healthcheck } from "./cli/healthcheck.ts";
import { purge } from "./cli/purge.ts";
import { ConfigError, redactConfig, type Config } from "./config/config.ts";
import { CallService } from "./contacts/calls.ts";
import { LivePages } from "./contacts/live.ts";
import { ContactService } from "./contacts/service.ts";
import { DatabaseTooNewError, MigrationError, migrate } from "./db/migrate.ts";
import { MIGRATIONS } from "./db/migrations.ts";
import { openDatabase } from "./db/open.ts";
import { FeedbackService } from "./feedback/service.ts";
import { createApp, MAX_BODY_BYTES } from "./http/app.ts";
import { GuestTokens } from "./auth/guest-tokens.ts";
import { isLoopbackHost } from "./config/config.ts";
import { createLogger, type Logger } from "./log/logger.ts";
import { DataRights } from "./privacy/data-rights.ts";
import { NoticeService } from "./notices/service.ts";
import { BanService } from "./moderation/bans.ts";
import { PlanService } from "./plans/service.ts";
import { applyRetention } from "./privacy/retention.ts";
import { RoomService } from "./rooms/service.ts";
import { createSfu } from "./sfu/index.ts";
import { HUB_TICK_MS, SignalHub } from "./signal/hub.ts";
import { iceServersFor } from "./signal/ice-servers.ts";
import { announcedAddresses, mediaAddressWarning } from "./signal/media-setup.ts";
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
    case "admin":
      return runAdmin(command.config, command.words);
    case "purge":
      return runPurge(command.config);
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

/** The data dir's database, migrated; null (said why) when there is none yet: a typo in
 *  --data-dir must not quietly create an empty one. */
function openExisting(config: Config): Database | null {
  if (!existsSync(config.dbPath)) {
    process.stderr.write(`youmeet: there is no database in ${config.dataDir} yet; check --data-dir, or start the server once.\n`);
    return null;
  }
  return openMigrated(config, loggerFor(config));
}

/** `youmeet admin ...`: help needs no database; a command runs over the data dir's, migrated. */
async function runAdmin(config: Config, words: string[]): Promise<number> {
  const io = { out: (line: string) => process.stdout.write(line + "\n"), err: (line: string) => process.stderr.write(line + "\n") };
  const plan = planAdmin(ADMIN_ENTRIES, words);
  if (plan.kind !== "run") return reportPlan(plan, io);
  const db = openExisting(config);
  if (!db) return 1;
  try {
    return await plan.command.run({ config, db, stores: createStores(db), now: Date.now(), ...io }, plan.args);
  } finally {
    db.close();
  }
}

/** `youmeet purge [--dry-run]`: retention now, over the data dir's database. */
function runPurge(config: Config): number {
  const db = openExisting(config);
  if (!db) return 1;
  try {
    return purge(createStores(db), config, Date.now(), (line) => process.stdout.write(line + "\n"));
  } finally {
    db.close();
  }
}

/** Applies retention now: inactive accounts, old feedback, expired sessions and login hashes. */
function sweepExpired(stores: Stores, config: Config, logger: Logger): void {
  const policy = { inactiveDays: config.retentionInactiveDays, feedbackDays: config.retentionFeedbackDays };
  const result = applyRetention(stores, policy, Date.now());
  if (result.inactiveAccounts.length + result.oldFeedback.length + result.expiredSessions + result.expiredLoginHashes > 0) {
    logger.info("retention_applied", {
      inactive_accounts: result.inactiveAccounts,
      old_feedback: result.oldFeedback.length,
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
    {
      botToken: config.telegramBotToken,
      botUsername: config.telegramBotUsername,
      devLogin: config.devLogin,
      privacyPolicyVersion: config.privacyPolicyVersion,
    },
    now,
  );
  const plans = new PlanService(stores, now);
  const bans = new BanService(stores, now);
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
    plans,
    bans,
    now,
    iceServersFor: (peerId) => iceServersFor({ urls: config.turnUrls, secret: config.turnSecret }, peerId, now()),
  });
  const dataRights = new DataRights(
    stores,
    hub,
    { publicUrl: config.publicUrl, privacyPolicyVersion: config.privacyPolicyVersion, logger },
    now,
  );
  const rooms = new RoomService(stores, hub, plans, now);
  const live = new LivePages();
  const contacts = new ContactService(stores, live, now);
  const calls = new CallService(stores, rooms, live, now);
  const guests = new GuestTokens(stores.secrets.getOrCreate("guest", 32, now()), now);
  const feedback = new FeedbackService(stores, now);
  const notices = new NoticeService(stores, now);
  const app = await createApp({
    config,
    logger,
    stores,
    sessions,
    login,
    rooms,
    plans,
    hub,
    contacts,
    calls,
    live,
    guests,
    dataRights,
    feedback,
    notices,
    csrfSecret: stores.secrets.getOrCreate("csrf", 32, now()),
    staticDir: staticDirectory(),
    now,
  });
  return { app, stores, sessions, login, rooms, plans, bans, hub, sfu, contacts, calls, live };
}

async function serve(config: Config): Promise<number> {
  const logger = loggerFor(config);
  const db = openMigrated(config, logger);
  if (!db) return 1;
  const { app, stores, hub, calls, live } = await compose(config, logger, db);

  sweepExpired(stores, config, logger);
  const sweeper = setInterval(() => sweepExpired(stores, config, logger), HOUR_MS);
  const ticker = setInterval(() => {
    try {
      hub.tick();
    } catch (error) {
      logger.error("hub_tick_failed", { error: error instanceof Error ? error : String(error) });
    }
  }, HUB_TICK_MS);

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
      clearInterval(ticker);
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
