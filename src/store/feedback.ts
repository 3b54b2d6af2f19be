import type { Database } from "bun:sqlite";

/** A feedback message as the sender wrote it. Times are Unix milliseconds. */
export interface FeedbackRecord {
  id: number;
  /** The sender's account when they were logged in, else null. */
  accountId: number | null;
  /** That account's youmeet ID (for the operator), or null. */
  youmeetId: string | null;
  name: string;
  email: string;
  subject: string;
  message: string;
  createdAt: number;
}

/** What a new message needs. */
export type NewFeedback = Omit<FeedbackRecord, "id" | "youmeetId">;

interface FeedbackRow {
  id: number;
  account_id: number | null;
  youmeet_id: string | null;
  name: string;
  email: string;
  subject: string;
  message: string;
  created_at: number;
}

const SELECT = `SELECT f.id, f.account_id, a.youmeet_id, f.name, f.email, f.subject, f.message, f.created_at
  FROM feedback f LEFT JOIN accounts a ON a.id = f.account_id`;

function toFeedback(row: FeedbackRow): FeedbackRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    youmeetId: row.youmeet_id,
    name: row.name,
    email: row.email,
    subject: row.subject,
    message: row.message,
    createdAt: row.created_at,
  };
}

/** SQL over the feedback table. */
export class FeedbackStore {
  constructor(private readonly db: Database) {}

  /** Stores a message; returns its id. */
  insert(feedback: NewFeedback): number {
    return this.db
      .query<{ id: number }, [number | null, string, string, string, string, number]>(
        `INSERT INTO feedback (account_id, name, email, subject, message, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(feedback.accountId, feedback.name, feedback.email, feedback.subject, feedback.message, feedback.createdAt)!.id;
  }

  /** The message with this id, or null. */
  find(id: number): FeedbackRecord | null {
    const row = this.db.query<FeedbackRow, [number]>(`${SELECT} WHERE f.id = ?`).get(id);
    return row ? toFeedback(row) : null;
  }

  /** Messages sent at or after `since`, newest first. */
  listSince(since: number): FeedbackRecord[] {
    return this.db
      .query<FeedbackRow, [number]>(`${SELECT} WHERE f.created_at >= ? ORDER BY f.created_at DESC, f.id DESC`)
      .all(since)
      .map(toFeedback);
  }

  /** Deletes one message; false when there was none with this id. */
  delete(id: number): boolean {
    return this.db.query("DELETE FROM feedback WHERE id = ?").run(id).changes === 1;
  }

  /** Deletes messages sent before `cutoff`; returns their ids, oldest first. */
  deleteOlderThan(cutoff: number): number[] {
    return this.db
      .query<{ id: number }, [number]>("DELETE FROM feedback WHERE created_at < ? RETURNING id")
      .all(cutoff)
      .map((row) => row.id)
      .sort((a, b) => a - b);
  }
}
