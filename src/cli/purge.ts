/**
 * `youmeet purge [--dry-run]`: applies the retention periods now, as the server does on start
 * and every hour, and prints what goes: counts and youmeet IDs, never names.
 */
import type { Config } from "../config/config.ts";
import { applyRetention } from "../privacy/retention.ts";
import type { Stores } from "../store/index.ts";

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Runs the purge over open stores at `now` and prints its report; returns the exit code. */
export function purge(stores: Stores, config: Config, now: number, out: (line: string) => void): number {
  const dryRun = config.dryRun;
  const result = applyRetention(
    stores,
    { inactiveDays: config.retentionInactiveDays, feedbackDays: config.retentionFeedbackDays },
    now,
    { dryRun },
  );
  const verb = dryRun ? "Would delete" : "Deleted";
  const list = (ids: readonly (string | number)[]) => (ids.length > 0 ? `: ${ids.join(", ")}` : ".");

  if (config.retentionInactiveDays === 0) out("Inactive accounts: kept forever (--retention-inactive-days 0).");
  else {
    const accounts = result.inactiveAccounts;
    out(`${verb} ${plural(accounts.length, "account", "accounts")} inactive for more than ${config.retentionInactiveDays} days${list(accounts)}`);
  }
  if (config.retentionFeedbackDays === 0) out("Feedback: kept forever (--retention-feedback-days 0).");
  else {
    const feedback = result.oldFeedback;
    out(`${verb} ${plural(feedback.length, "feedback message", "feedback messages")} older than ${config.retentionFeedbackDays} days${list(feedback)}`);
  }
  out(`${verb} ${plural(result.expiredSessions, "expired session", "expired sessions")}.`);
  out(`${verb} ${plural(result.expiredLoginHashes, "expired login hash", "expired login hashes")}.`);
  if (dryRun) out("Dry run: nothing was deleted.");
  return 0;
}
