import { LimitReached, NotFound } from "../errors.ts";
import type { Stores } from "../store/index.ts";
import type { PlanLimits, PlanRecord } from "../store/plans.ts";
import { limitText, monthOf, nextMonthStart, participantsLimit } from "./limits.ts";

/** A plan's limits and what an account used of them this month, as the dashboard and the API show it. */
export interface Usage {
  plan: string;
  /** Calendar month (UTC) the figures are for, 'YYYY-MM'. */
  month: string;
  /** When the month's minutes start again from zero (Unix ms). */
  resetsAt: number;
  rooms: { used: number; limit: number | null };
  minutes: { used: number; limit: number | null };
  participantsPerRoom: number;
  screenShare: boolean;
}

/** Plans: which one an account has, what it allows, what was used; the operator's changes. */
export class PlanService {
  constructor(
    private readonly stores: Stores,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every plan, by name. */
  list(): PlanRecord[] {
    return this.stores.plans.list();
  }

  /** The plan with this name, or NotFound naming the plans there are. */
  find(name: string): PlanRecord {
    const plan = this.stores.plans.find(name);
    if (!plan) {
      const names = this.list().map((p) => p.name).join(", ");
      throw new NotFound("plan.not_found", `There is no plan ${JSON.stringify(name)}; the plans are: ${names}.`);
    }
    return plan;
  }

  /** Changes some of a plan's limits, keeping the others. */
  update(name: string, changes: Partial<PlanLimits>): PlanRecord {
    const plan = this.find(name);
    return this.stores.plans.update(name, { ...plan, ...changes }, this.now())!;
  }

  /** Moves an account to a plan; the new limits apply from its next room, join and share. */
  assign(accountId: number, name: string): PlanRecord {
    const plan = this.find(name);
    if (!this.stores.plans.setAccountPlan(accountId, plan.name)) throw new NotFound("user.not_found", "That account no longer exists.");
    return plan;
  }

  /** The plan of an account, or null when the account is gone. */
  planOf(accountId: number): PlanRecord | null {
    return this.stores.plans.planOfAccount(accountId);
  }

  /** Refuses a new room when the owner has as many as the plan allows. */
  checkRoomCreation(ownerId: number): void {
    const plan = this.planOf(ownerId);
    if (!plan || plan.maxRooms === null) return;
    if (this.stores.rooms.countByOwner(ownerId) >= plan.maxRooms) {
      throw new LimitReached(
        "room.limit_reached",
        `Your plan (${plan.name}) allows ${plan.maxRooms} rooms; delete one or ask the operator for more.`,
        { plan: plan.name, max: plan.maxRooms },
      );
    }
  }

  /** Refuses a newcomer to a call that already has as many people as the owner's plan allows. */
  checkCallSize(plan: PlanRecord, present: number): void {
    const limit = participantsLimit(plan);
    if (present < limit) return;
    if (plan.maxParticipants !== null && plan.maxParticipants <= limit) {
      throw new LimitReached("plan.participants_limit", `This call is full: the room owner's plan (${plan.name}) allows ${limit} people in a call.`, {
        plan: plan.name,
        max: limit,
      });
    }
    throw new LimitReached("room.full", `This call is full: at most ${limit} people can be in a call on this server.`);
  }

  /** Refuses a screen share in a room whose owner's plan does not include it. */
  checkScreenShare(plan: PlanRecord): void {
    if (plan.screenShare) return;
    throw new LimitReached(
      "plan.screen_share_not_allowed",
      `Screen sharing is not part of the room owner's plan (${plan.name}); the owner can ask the operator for a plan with it.`,
      { plan: plan.name },
    );
  }

  /** Seconds of calls charged to an account in the month of `at`, as written so far. */
  callSeconds(accountId: number, at: number): number {
    return this.stores.plans.callSeconds(accountId, monthOf(at));
  }

  /** Writes call seconds to an account's month. */
  chargeCallSeconds(accountId: number, month: string, seconds: number): void {
    if (seconds > 0) this.stores.plans.addCallSeconds(accountId, month, seconds);
  }

  /** The refusal when the owner's minutes are used up: with the plan, the limit and when they reset. */
  minutesUsedUp(plan: PlanRecord, at: number, ending: boolean): LimitReached {
    const reset = new Date(nextMonthStart(at)).toISOString().slice(0, 10);
    const what = `the room owner's plan (${plan.name}) allows ${limitText(plan.monthlyMinutes)} call minutes a month, and they are used up until ${reset}`;
    return new LimitReached("plan.minutes_used_up", ending ? `The call ended: ${what}.` : `No call can start now: ${what}.`, {
      plan: plan.name,
      minutes: limitText(plan.monthlyMinutes),
      reset,
    });
  }

  /** The warning everyone in a call gets shortly before the owner's minutes run out. */
  minutesWarning(plan: PlanRecord, minutesLeft: number): string {
    return (
      `${minutesLeft} ${minutesLeft === 1 ? "minute" : "minutes"} of call time left: the room owner's plan (${plan.name}) ` +
      `allows ${limitText(plan.monthlyMinutes)} call minutes a month; the call ends when they are used up.`
    );
  }

  /** The plan of an account and what it used this month (minutes as written, at most a minute behind). */
  usage(accountId: number): Usage {
    const plan = this.planOf(accountId);
    if (!plan) throw new NotFound("user.not_found", "That account no longer exists.");
    const now = this.now();
    return {
      plan: plan.name,
      month: monthOf(now),
      resetsAt: nextMonthStart(now),
      rooms: { used: this.stores.rooms.countByOwner(accountId), limit: plan.maxRooms },
      minutes: { used: Math.floor(this.callSeconds(accountId, now) / 60), limit: plan.monthlyMinutes },
      participantsPerRoom: participantsLimit(plan),
      screenShare: plan.screenShare,
    };
  }
}
