import type { Stores } from "../store/index.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one retention pass deleted (IDs, never names). */
export interface RetentionResult {
  inactiveAccounts: string[];
  expiredSessions: number;
  expiredLoginHashes: number;
}

/**
 * Applies the operator's retention: accounts without a login or visit for
 * `inactiveDays` days (0 keeps them forever) go with everything that refers to them,
 * and expired sessions and login hashes go too. Runs in one transaction.
 */
export function applyRetention(stores: Stores, policy: { inactiveDays: number }, now: number): RetentionResult {
  return stores.transaction(() => ({
    inactiveAccounts: policy.inactiveDays > 0 ? stores.accounts.deleteInactiveSince(now - policy.inactiveDays * DAY_MS) : [],
    expiredSessions: stores.sessions.deleteExpired(now),
    expiredLoginHashes: stores.loginHashes.deleteExpired(now),
  }));
}
