import type { Database } from "bun:sqlite";

/** A tariff plan as stored. `null` limits are unlimited. Times are Unix milliseconds. */
export interface PlanRecord {
  name: string;
  maxRooms: number | null;
  maxParticipants: number | null;
  monthlyMinutes: number | null;
  screenShare: boolean;
  updatedAt: number;
}

/** The limits a plan sets, as `youmeet admin plans set` changes them. */
export type PlanLimits = Omit<PlanRecord, "name" | "updatedAt">;

interface PlanRow {
  name: string;
  max_rooms: number | null;
  max_participants: number | null;
  monthly_minutes: number | null;
  screen_share: number;
  updated_at: number;
}

const COLUMNS = "name, max_rooms, max_participants, monthly_minutes, screen_share, updated_at";

function toPlan(row: PlanRow | null): PlanRecord | null {
  if (!row) return null;
  return {
    name: row.name,
    maxRooms: row.max_rooms,
    maxParticipants: row.max_participants,
    monthlyMinutes: row.monthly_minutes,
    screenShare: row.screen_share === 1,
    updatedAt: row.updated_at,
  };
}

/** SQL over the plans table, the accounts' plan column and the monthly call usage. */
export class PlanStore {
  constructor(private readonly db: Database) {}

  /** Every plan, by name. */
  list(): PlanRecord[] {
    return this.db
      .query<PlanRow, []>(`SELECT ${COLUMNS} FROM plans ORDER BY name`)
      .all()
      .map((row) => toPlan(row)!);
  }

  /** The plan with this name, or null. */
  find(name: string): PlanRecord | null {
    return toPlan(this.db.query<PlanRow, [string]>(`SELECT ${COLUMNS} FROM plans WHERE name = ?`).get(name));
  }

  /** Adds a plan; the caller checked that the name is free. */
  insert(name: string, limits: PlanLimits, now: number): PlanRecord {
    return toPlan(
      this.db
        .query<PlanRow, [string, number | null, number | null, number | null, number, number]>(
          `INSERT INTO plans (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
        )
        .get(name, limits.maxRooms, limits.maxParticipants, limits.monthlyMinutes, limits.screenShare ? 1 : 0, now),
    )!;
  }

  /** How many accounts each plan has (plans without any are left out). */
  accountCounts(): Map<string, number> {
    const rows = this.db.query<{ plan: string; n: number }, []>("SELECT plan, count(*) AS n FROM accounts GROUP BY plan").all();
    return new Map(rows.map((row) => [row.plan, row.n]));
  }

  /** Overwrites a plan's limits; returns the plan, or null when there is none of that name. */
  update(name: string, limits: PlanLimits, now: number): PlanRecord | null {
    return toPlan(
      this.db
        .query<PlanRow, [number | null, number | null, number | null, number, number, string]>(
          `UPDATE plans SET max_rooms = ?, max_participants = ?, monthly_minutes = ?, screen_share = ?, updated_at = ?
           WHERE name = ? RETURNING ${COLUMNS}`,
        )
        .get(limits.maxRooms, limits.maxParticipants, limits.monthlyMinutes, limits.screenShare ? 1 : 0, now, name),
    );
  }

  /** The plan of an account, or null when the account does not exist. */
  planOfAccount(accountId: number): PlanRecord | null {
    return toPlan(
      this.db
        .query<PlanRow, [number]>(
          `SELECT p.name, p.max_rooms, p.max_participants, p.monthly_minutes, p.screen_share, p.updated_at
           FROM accounts a JOIN plans p ON p.name = a.plan WHERE a.id = ?`,
        )
        .get(accountId),
    );
  }

  /** Moves an account to a plan (the caller checked that the plan exists); false without such an account. */
  setAccountPlan(accountId: number, name: string): boolean {
    return this.db.query("UPDATE accounts SET plan = ? WHERE id = ?").run(name, accountId).changes === 1;
  }

  /** Seconds of calls charged to an account in a month ('YYYY-MM'). */
  callSeconds(accountId: number, month: string): number {
    return (
      this.db
        .query<{ call_seconds: number }, [number, string]>("SELECT call_seconds FROM call_usage WHERE account_id = ? AND month = ?")
        .get(accountId, month)?.call_seconds ?? 0
    );
  }

  /** Adds call seconds to an account's month; ignored when the account is gone (deleted mid-call). */
  addCallSeconds(accountId: number, month: string, seconds: number): void {
    this.db
      .query(
        `INSERT INTO call_usage (account_id, month, call_seconds)
         SELECT id, ?2, ?3 FROM accounts WHERE id = ?1
         ON CONFLICT (account_id, month) DO UPDATE SET call_seconds = call_seconds + excluded.call_seconds`,
      )
      .run(accountId, month, seconds);
  }

  /** Every month of call usage of an account, newest first. */
  usageHistory(accountId: number): Array<{ month: string; callSeconds: number }> {
    return this.db
      .query<{ month: string; call_seconds: number }, [number]>(
        "SELECT month, call_seconds FROM call_usage WHERE account_id = ? ORDER BY month DESC",
      )
      .all(accountId)
      .map((row) => ({ month: row.month, callSeconds: row.call_seconds }));
  }
}
