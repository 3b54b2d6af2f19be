import type { Database } from "bun:sqlite";

/** A room as stored: who owns it and when it was made. Times are Unix milliseconds. */
export interface RoomRecord {
  id: string;
  ownerId: number;
  name: string | null;
  allowGuests: boolean;
  createdAt: number;
}

interface RoomRow {
  id: string;
  owner_id: number;
  name: string | null;
  allow_guests: number;
  created_at: number;
}

const COLUMNS = "id, owner_id, name, allow_guests, created_at";

function toRoom(row: RoomRow | null): RoomRecord | null {
  if (!row) return null;
  return { id: row.id, ownerId: row.owner_id, name: row.name, allowGuests: row.allow_guests === 1, createdAt: row.created_at };
}

/** SQL over the rooms table. */
export class RoomStore {
  constructor(private readonly db: Database) {}

  /** Stores a new room. */
  insert(room: RoomRecord): void {
    this.db
      .query(`INSERT INTO rooms (${COLUMNS}) VALUES (?, ?, ?, ?, ?)`)
      .run(room.id, room.ownerId, room.name, room.allowGuests ? 1 : 0, room.createdAt);
  }

  /** The room with this id, or null. */
  find(id: string): RoomRecord | null {
    return toRoom(this.db.query<RoomRow, [string]>(`SELECT ${COLUMNS} FROM rooms WHERE id = ?`).get(id));
  }

  /** An owner's rooms, newest first. */
  listByOwner(ownerId: number): RoomRecord[] {
    return this.db
      .query<RoomRow, [number]>(`SELECT ${COLUMNS} FROM rooms WHERE owner_id = ? ORDER BY created_at DESC, id`)
      .all(ownerId)
      .map((row) => toRoom(row)!);
  }

  /** How many rooms an owner has. */
  countByOwner(ownerId: number): number {
    return this.db.query<{ n: number }, [number]>("SELECT count(*) AS n FROM rooms WHERE owner_id = ?").get(ownerId)!.n;
  }

  /** Whether guests may join by link. */
  setAllowGuests(id: string, allowGuests: boolean): void {
    this.db.query("UPDATE rooms SET allow_guests = ? WHERE id = ?").run(allowGuests ? 1 : 0, id);
  }

  /** Deletes a room; false when there was none. */
  delete(id: string): boolean {
    return this.db.query("DELETE FROM rooms WHERE id = ?").run(id).changes === 1;
  }
}
