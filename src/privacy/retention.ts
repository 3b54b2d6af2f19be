import type { Stores } from "../store/index.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The operator's retention periods, in days; 0 keeps that kind of data forever. */
export interface RetentionPolicy {
  inactiveDays: number;
  feedbackDays: number;
}

/** What one retention pass deleted (IDs, never names). */
export interface RetentionResult {
  inactiveAccounts: string[];
  /** Ids of feedback messages older than the feedback period. */
  oldFeedback: number[];
  expiredSessions: number;
  expiredLoginHashes: number;
}

/** Thrown inside the transaction to undo a dry run, carrying what it would have deleted. */
class DryRun extends Error {
  constructor(readonly result: RetentionResult) {
    super("dry run");
  }
}

/**
 * Applies the operator's retention: accounts without a login or visit for
 * `inactiveDays` days go with everything that refers to them, feedback older than
 * `feedbackDays` days goes, and expired sessions and login hashes go too. Runs in one
 * transaction; with `dryRun` the same deletes run and are rolled back, so the answer is
 * exactly what a real pass would delete, and nothing is deleted.
 */
export function applyRetention(stores: Stores, policy: RetentionPolicy, now: number, options: { dryRun?: boolean } = {}): RetentionResult {
  try {
    return stores.transaction(() => {
      const result: RetentionResult = {
        inactiveAccounts: policy.inactiveDays > 0 ? stores.accounts.deleteInactiveSince(now - policy.inactiveDays * DAY_MS) : [],
        oldFeedback: policy.feedbackDays > 0 ? stores.feedback.deleteOlderThan(now - policy.feedbackDays * DAY_MS) : [],
        expiredSessions: stores.sessions.deleteExpired(now),
        expiredLoginHashes: stores.loginHashes.deleteExpired(now),
      };
      if (options.dryRun) throw new DryRun(result);
      return result;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.result;
    throw error;
  }
}
