/**
 * How often one account did something in the last minute (starting calls, looking people up
 * to add them), so a script cannot ring someone in a loop or walk through usernames. Kept in
 * the domain, not in http, so the pages and the JSON API share one count.
 */
export class RecentAttempts {
  private readonly byAccount = new Map<number, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt; false (and not counted) when the account already made `perMinute` in the last minute. */
  take(accountId: number): boolean {
    const now = this.now();
    const recent = (this.byAccount.get(accountId) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= this.perMinute) {
      this.byAccount.set(accountId, recent);
      return false;
    }
    recent.push(now);
    this.byAccount.set(accountId, recent);
    if (this.byAccount.size > 10_000) this.sweep(now);
    return true;
  }

  private sweep(now: number): void {
    for (const [accountId, times] of this.byAccount) if (times.every((at) => now - at >= 60_000)) this.byAccount.delete(accountId);
  }
}
