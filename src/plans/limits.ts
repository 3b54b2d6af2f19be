/**
 * The fixed rules around plans: the server's own cap on a call, calendar months, and how an
 * operator writes a limit on the command line. Pure functions; the service applies them.
 */
import { BadInput } from "../errors.ts";
import type { PlanRecord } from "../store/plans.ts";

/**
 * Most people in one call whatever the plan says: every participant receives everyone
 * else's streams, so a call of n costs n*(n-1) forwarded streams, and werift on one core
 * forwards about 190 (measured on a 2-core VPS). 25 people with most cameras off still fit.
 */
export const PARTICIPANTS_HARD_CAP = 25;
/** How long before the minutes run out everyone in the call is warned. */
export const MINUTES_WARNING_MS = 5 * 60_000;

/** The calendar month (UTC) of a time, as the usage table keys it: 'YYYY-MM'. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** The start of the month after the one `ms` falls in (UTC), when the minutes reset. */
export function nextMonthStart(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** The start of the month `ms` falls in (UTC). */
export function monthStart(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** People allowed in one call of a room whose owner has `plan`: the plan's limit under the hard cap. */
export function participantsLimit(plan: PlanRecord): number {
  return Math.min(plan.maxParticipants ?? PARTICIPANTS_HARD_CAP, PARTICIPANTS_HARD_CAP);
}

/** How a limit reads for people: a number, or "unlimited". */
export function limitText(limit: number | null): string {
  return limit === null ? "unlimited" : String(limit);
}

/** What `--rooms`, `--participants` and `--minutes` accept: what each means and its bounds. */
const LIMIT_RULES = {
  rooms: { min: 1, max: 100_000, what: "rooms a user may own" },
  participants: { min: 2, max: PARTICIPANTS_HARD_CAP, what: "people in one call" },
  minutes: { min: 1, max: 1_000_000, what: "call minutes a month" },
} as const;

/** The kinds of numeric limit a plan sets. */
export type LimitName = keyof typeof LIMIT_RULES;

/**
 * Reads a limit as the operator typed it: a whole number, or 0 / "unlimited" for no limit
 * (for participants, "no limit" means the server's hard cap). Throws BadInput naming the bounds.
 */
export function parseLimit(name: LimitName, text: string): number | null {
  const rule = LIMIT_RULES[name];
  const value = text.trim().toLowerCase();
  if (value === "unlimited" || value === "0") return null;
  const range = `a whole number from ${rule.min} to ${rule.max}, or 0 or "unlimited"`;
  if (!/^\d{1,9}$/.test(value)) throw new BadInput("plan.bad_limit", `--${name} (${rule.what}) must be ${range}, not ${JSON.stringify(text)}.`);
  const n = Number(value);
  if (n < rule.min || n > rule.max) {
    throw new BadInput("plan.bad_limit", `--${name} (${rule.what}) must be ${range}, not ${n}.`);
  }
  return n;
}

/** Reads yes/no as the operator typed it. */
export function parseYesNo(name: string, text: string): boolean {
  const value = text.trim().toLowerCase();
  if (value === "yes" || value === "true" || value === "on") return true;
  if (value === "no" || value === "false" || value === "off") return false;
  throw new BadInput("plan.bad_switch", `--${name} must be yes or no, not ${JSON.stringify(text)}.`);
}
