import { monthOf, monthStart } from "../plans/limits.ts";
import type { PlanService } from "../plans/service.ts";
import type { Call } from "./call.ts";

/** Usage is written at least this often while calls run, and whenever a call stops counting. */
export const USAGE_FLUSH_MS = 60_000;

/**
 * Call minutes: a room's call counts while it has two or more people, charged to the room's
 * owner in the calendar month (UTC) the time falls in. Time is kept in memory per owner and
 * month and written as whole seconds at least once a minute and when a call stops counting,
 * never per packet; the sub-second rest waits for the next write.
 */
export class CallMeter {
  /** Milliseconds not yet written, by owner, then by month. */
  private readonly pending = new Map<number, Map<string, number>>();
  private flushedAt: number;

  constructor(
    private readonly plans: PlanService,
    private readonly now: () => number,
  ) {
    this.flushedAt = now();
  }

  /** Starts or stops counting a call after its size changed. */
  sizeChanged(call: Call): void {
    const counting = call.participants.size >= 2;
    if (counting && call.countingSince === null) call.countingSince = this.now();
    if (!counting && call.countingSince !== null) {
      this.accrue(call);
      call.countingSince = null;
      this.flush(call.ownerAccountId);
    }
  }

  /** Moves a counting call's time up to now into the owner's pending usage. */
  accrue(call: Call): void {
    if (call.countingSince === null) return;
    const now = this.now();
    // Walk back month by month, so a call running over a month's end is split between the two.
    for (let end = now; end > call.countingSince; ) {
      const begin = Math.max(call.countingSince, monthStart(end - 1));
      this.add(call.ownerAccountId, monthOf(begin), end - begin);
      end = begin;
    }
    call.countingSince = now;
  }

  /** Milliseconds charged to the owner in the current month: written plus pending. */
  usedMs(ownerId: number): number {
    const now = this.now();
    return this.plans.callSeconds(ownerId, now) * 1000 + (this.pending.get(ownerId)?.get(monthOf(now)) ?? 0);
  }

  /** Writes pending usage when a minute has passed since the last write. */
  flushIfDue(): void {
    if (this.now() - this.flushedAt < USAGE_FLUSH_MS) return;
    this.flushedAt = this.now();
    for (const ownerId of [...this.pending.keys()]) this.flush(ownerId);
  }

  /** Writes an owner's pending usage as whole seconds. */
  flush(ownerId: number): void {
    const months = this.pending.get(ownerId);
    if (!months) return;
    for (const [month, ms] of months) {
      const seconds = Math.floor(ms / 1000);
      this.plans.chargeCallSeconds(ownerId, month, seconds);
      const rest = ms - seconds * 1000;
      if (rest > 0) months.set(month, rest);
      else months.delete(month);
    }
    if (months.size === 0) this.pending.delete(ownerId);
  }

  private add(ownerId: number, month: string, ms: number): void {
    let months = this.pending.get(ownerId);
    if (!months) this.pending.set(ownerId, (months = new Map()));
    months.set(month, (months.get(month) ?? 0) + ms);
  }
}
