import type { Database } from "bun:sqlite";

/** SQL over call_settings (who may ring an account) and call_rooms (the room of each caller-callee pair). */
export class CallStore {
  constructor(private readonly db: Database) {}

  /** Whether the account lets anyone ring it (the default is contacts only). */
  acceptsCallsFromAnyone(accountId: number): boolean {
    const row = this.db
      .query<{ calls_from_anyone: number }, [number]>("SELECT calls_from_anyone FROM call_settings WHERE account_id = ?")
      .get(accountId);
    return row?.calls_from_anyone === 1;
  }

  /** Sets whether anyone, or only the account's contacts, may ring it. */
  setCallsFromAnyone(accountId: number, anyone: boolean, now: number): void {
    this.db
      .query(
        `INSERT INTO call_settings (account_id, calls_from_anyone, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET calls_from_anyone = excluded.calls_from_anyone, updated_at = excluded.updated_at`,
      )
      .run(accountId, anyone ? 1 : 0, now);
  }

  /** The room the caller's calls to this callee use, or null. */
  roomOf(callerId: number, calleeId: number): string | null {
    return (
      this.db
        .query<{ room_id: string }, [number, number]>("SELECT room_id FROM call_rooms WHERE caller_id = ? AND callee_id = ?")
        .get(callerId, calleeId)?.room_id ?? null
    );
  }

  /** Records the room of a caller-callee pair (replacing a previous one). */
  setRoom(callerId: number, calleeId: number, roomId: string): void {
    this.db
      .query(
        `INSERT INTO call_rooms (caller_id, callee_id, room_id) VALUES (?, ?, ?)
         ON CONFLICT (caller_id, callee_id) DO UPDATE SET room_id = excluded.room_id`,
      )
      .run(callerId, calleeId, roomId);
  }
}
