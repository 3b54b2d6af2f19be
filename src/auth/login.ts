import { createHash, randomBytes } from "node:crypto";
import { BadInput, Unauthorized } from "../errors.ts";
import { AccountBanned } from "../moderation/bans.ts";
import type { Account } from "../store/accounts.ts";
import type { Stores } from "../store/index.ts";
import { randomYoumeetId } from "./youmeet-id.ts";
import type { SessionService } from "./sessions.ts";
import {
  MAX_AUTH_AGE_SECONDS,
  MAX_CLOCK_SKEW_SECONDS,
  signWidgetLogin,
  verifyWebAppInitData,
  verifyWidgetLogin,
  type TelegramCheck,
} from "./telegram.ts";

/** A completed login: the account and the new session's token. */
export interface LoginResult {
  account: Account;
  token: string;
  /** The session's absolute end: how long the browser keeps the cookie. */
  absoluteExpiresAt: number;
  created: boolean;
}

/** Which login ways this server offers. */
export interface LoginMethods {
  telegram: boolean;
  dev: boolean;
  botUsername: string | null;
}

const DEV_NAME_MAX = 64;
/**
 * Dev accounts get Telegram ids far above any real one (real ids are below 2^40), derived
 * from the name so that logging in again with the same name finds the same account.
 */
const DEV_TELEGRAM_ID_BASE = 2 ** 50;

/** Telegram logins (widget, Mini App, dev) ending in the same account and session. */
export class LoginService {
  /** Dev login signs with a token that exists only in this process. */
  private readonly devToken = `1:${randomBytes(24).toString("base64url")}`;

  constructor(
    private readonly stores: Stores,
    private readonly sessions: SessionService,
    private readonly options: { botToken: string | null; botUsername: string | null; devLogin: boolean; privacyPolicyVersion: string },
    private readonly now: () => number = Date.now,
  ) {}

  /** The login ways available, for the login page. */
  get methods(): LoginMethods {
    return { telegram: this.options.botToken !== null, dev: this.options.devLogin, botUsername: this.options.botUsername };
  }

  /** Login Widget redirect: the query pairs Telegram sent to /auth/telegram. */
  widget(pairs: Array<[string, string]>, userAgent: string | null): LoginResult {
    const token = this.requireBotToken();
    return this.complete(verifyWidgetLogin(pairs, token, this.nowSeconds()), userAgent);
  }

  /** Mini App: the initData string the /tg page posted. */
  webApp(initData: string, userAgent: string | null): LoginResult {
    const token = this.requireBotToken();
    return this.complete(verifyWebAppInitData(initData, token, this.nowSeconds()), userAgent);
  }

  /** Dev login: signs a widget payload for `name` and runs the same verifier. */
  dev(name: string, userAgent: string | null): LoginResult {
    if (!this.options.devLogin) throw new Unauthorized("auth.dev_login_off", "Dev login is not enabled on this server.");
    const firstName = name.trim();
    if (firstName.length === 0 || firstName.length > DEV_NAME_MAX || /\p{Cc}/u.test(firstName)) {
      throw new BadInput("auth.bad_name", `Enter a name of 1 to ${DEV_NAME_MAX} characters.`);
    }
    const digest = createHash("sha256").update(firstName).digest();
    const telegramId = DEV_TELEGRAM_ID_BASE + (digest.readUInt32BE(0) * 1024 + (digest.readUInt16BE(4) & 1023));
    const pairs = signWidgetLogin(
      // The nonce keeps two dev logins in the same second from looking like a replay.
      { id: String(telegramId), first_name: firstName, auth_date: String(this.nowSeconds()), nonce: randomBytes(8).toString("hex") },
      this.devToken,
    );
    return this.complete(verifyWidgetLogin(pairs, this.devToken, this.nowSeconds()), userAgent);
  }

  private requireBotToken(): string {
    if (!this.options.botToken) {
      throw new Unauthorized("auth.telegram_off", "Telegram login is not set up on this server.");
    }
    return this.options.botToken;
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /**
   * Replay guard, account upsert, consent and session in one transaction: all or nothing.
   * Logging in accepts the privacy policy in force (the login pages say so next to the button).
   */
  private complete(check: TelegramCheck, userAgent: string | null): LoginResult {
    if (!check.ok) throw new Unauthorized(check.code, check.message);
    const { user } = check;
    const now = this.now();
    return this.stores.transaction(() => {
      const claimUntil = (check.authDate + MAX_AUTH_AGE_SECONDS + MAX_CLOCK_SKEW_SECONDS) * 1000;
      if (!this.stores.loginHashes.claim(check.hash, claimUntil)) {
        throw new Unauthorized("telegram.replayed", "This Telegram login was already used; please log in again.");
      }
      const profile = {
        telegramId: user.telegramId,
        firstName: user.firstName,
        lastName: user.lastName,
        username: user.username,
        photoUrl: user.photoUrl,
        telegramLanguage: user.languageCode,
        region: user.region,
      };
      const existing = this.stores.accounts.findByTelegramId(user.telegramId);
      const ban = existing ? this.stores.bans.find(existing.id) : null;
      if (ban) throw new AccountBanned(ban.reason);
      const account = existing
        ? this.stores.accounts.updateProfile(existing.id, profile, now)!
        : this.stores.accounts.insert(this.freshYoumeetId(), profile, now);
      const consented = this.stores.accounts.recordConsent(account.id, this.options.privacyPolicyVersion, now)!;
      const session = this.sessions.create(account.id, userAgent);
      return { account: consented, token: session.token, absoluteExpiresAt: session.absoluteExpiresAt, created: !existing };
    });
  }

  private freshYoumeetId(): string {
    for (;;) {
      const id = randomYoumeetId();
      if (!this.stores.accounts.youmeetIdExists(id)) return id;
    }
  }
}
