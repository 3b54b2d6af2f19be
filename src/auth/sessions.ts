import { createHash, randomBytes } from "node:crypto";
import type { Account } from "../store/accounts.ts";
import type { Stores } from "../store/index.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Idle sessions end after 30 days; every session ends 90 days after login. */
export const SESSION_IDLE_MS = 30 * DAY_MS;
export const SESSION_ABSOLUTE_MS = 90 * DAY_MS;
/** Sliding the expiry and "last seen" cost a write; do it at most this often. */
const SESSION_TOUCH_INTERVAL_MS = 5 * 60 * 1000;
const ACCOUNT_SEEN_INTERVAL_MS = 60 * 60 * 1000;
/** 256-bit tokens, base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A resolved login: the account and when its session ends. */
export interface ActiveSession {
  account: Account;
  tokenHash: Uint8Array;
  expiresAt: number;
}

/** SHA-256 of a session token: what the database holds instead of the token. */
export function hashSessionToken(token: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(token).digest());
}

/** Sessions: random 256-bit tokens, sliding 30 days, absolute 90 days. */
export class SessionService {
  constructor(
    private readonly stores: Stores,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts a session for an account; returns the token and its absolute end, which is the
   * cookie's lifetime: the browser keeps it that long, and the server ends it sooner when idle
   * (a cookie set once at login could not slide without re-sending it on every visit).
   */
  create(accountId: number, userAgent: string | null): { token: string; absoluteExpiresAt: number } {
    const token = randomBytes(32).toString("base64url");
    const now = this.now();
    const expiresAt = now + SESSION_IDLE_MS;
    const absoluteExpiresAt = now + SESSION_ABSOLUTE_MS;
    this.stores.sessions.insert({
      tokenHash: hashSessionToken(token),
      accountId,
      userAgent: userAgent?.slice(0, 256) ?? null,
      createdAt: now,
      lastUsedAt: now,
      expiresAt,
      absoluteExpiresAt,
    });
    return { token, absoluteExpiresAt };
  }

  /** The live session for a cookie token, sliding its expiry; null when unknown or expired. */
  resolve(token: string | undefined | null): ActiveSession | null {
    if (!token || !TOKEN_PATTERN.test(token)) return null;
    const tokenHash = hashSessionToken(token);
    const session = this.stores.sessions.find(tokenHash);
    const now = this.now();
    if (!session) return null;
    if (session.expiresAt <= now || session.absoluteExpiresAt <= now) {
      this.stores.sessions.delete(tokenHash);
      return null;
    }
    const account = this.stores.accounts.findById(session.accountId);
    if (!account) return null;
    let expiresAt = session.expiresAt;
    if (now - session.lastUsedAt >= SESSION_TOUCH_INTERVAL_MS) {
      expiresAt = Math.min(now + SESSION_IDLE_MS, session.absoluteExpiresAt);
      this.stores.sessions.touch(tokenHash, now, expiresAt);
    }
    this.stores.accounts.touchLastSeen(account.id, now, ACCOUNT_SEEN_INTERVAL_MS);
    return { account, tokenHash, expiresAt };
  }

  /** Ends the session of this token (logout); unknown tokens are ignored. */
  end(token: string | undefined | null): void {
    if (token && TOKEN_PATTERN.test(token)) this.stores.sessions.delete(hashSessionToken(token));
  }
}
