import type { Database } from "bun:sqlite";

/** The operator's service notice as stored. Times are Unix milliseconds. */
export interface NoticeRecord {
  text: string;
  /** When it stops showing, or null for until cleared. */
  until: number | null;
  setAt: number;
}

/** SQL over service_notice: at most one row, id 1. */
export class NoticeStore {
  constructor(private readonly db: Database) {}

  /** The notice, whether or not its end time has passed; null when none is set. */
  get(): NoticeRecord | null {
    const row = this.db
      .query<{ text: string; until_at: number | null; set_at: number }, []>("SELECT text, until_at, set_at FROM service_notice WHERE id = 1")
      .get();
    return row ? { text: row.text, until: row.until_at, setAt: row.set_at } : null;
  }

  /** Replaces the notice. */
  set(notice: NoticeRecord): void {
    this.db
      .query(
        `INSERT INTO service_notice (id, text, until_at, set_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET text = excluded.text, until_at = excluded.until_at, set_at = excluded.set_at`,
      )
      .run(notice.text, notice.until, notice.setAt);
  }

  /** Removes the notice; false when there was none. */
  clear(): boolean {
    return this.db.query("DELETE FROM service_notice WHERE id = 1").run().changes === 1;
  }
}
