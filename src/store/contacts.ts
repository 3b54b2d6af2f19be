import type { Database } from "bun:sqlite";

/** A contact as its owner's list shows it: the other account's public fields. */
export interface ContactRecord {
  accountId: number;
  youmeetId: string;
  firstName: string;
  lastName: string | null;
  username: string | null;
  photoUrl: string | null;
  /** The name the person chose on youmeet, shown instead of Telegram's when set. */
  displayName: string | null;
  addedAt: number;
  /** The contact has added the owner too; only then does the owner see them online. */
  mutual: boolean;
}

interface ContactRow {
  account_id: number;
  youmeet_id: string;
  first_name: string;
  last_name: string | null;
  username: string | null;
  photo_url: string | null;
  display_name: string | null;
  added_at: number;
  mutual: number;
}

/** SQL over the contacts table (one-way rows: the owner added the contact). */
export class ContactStore {
  constructor(private readonly db: Database) {}

  /** Adds `contactId` to the owner's contacts; false when it was already there. */
  add(ownerId: number, contactId: number, now: number): boolean {
    return (
      this.db
        .query("INSERT INTO contacts (owner_id, contact_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        .run(ownerId, contactId, now).changes === 1
    );
  }

  /** Removes one contact; false when there was none. */
  remove(ownerId: number, contactId: number): boolean {
    return this.db.query("DELETE FROM contacts WHERE owner_id = ? AND contact_id = ?").run(ownerId, contactId).changes === 1;
  }

  /** Whether `contactId` is in the owner's contacts. */
  has(ownerId: number, contactId: number): boolean {
    return (
      this.db
        .query<{ one: number }, [number, number]>("SELECT 1 AS one FROM contacts WHERE owner_id = ? AND contact_id = ?")
        .get(ownerId, contactId) !== null
    );
  }

  /** How many contacts the owner has. */
  count(ownerId: number): number {
    return this.db.query<{ n: number }, [number]>("SELECT count(*) AS n FROM contacts WHERE owner_id = ?").get(ownerId)!.n;
  }

  /** The owner's contacts with their public fields, by name. */
  list(ownerId: number): ContactRecord[] {
    return this.db
      .query<ContactRow, [number]>(
        `SELECT a.id AS account_id, a.youmeet_id, a.first_name, a.last_name, a.username, a.photo_url, a.display_name,
           c.created_at AS added_at,
           EXISTS (SELECT 1 FROM contacts back WHERE back.owner_id = c.contact_id AND back.contact_id = c.owner_id) AS mutual
         FROM contacts c JOIN accounts a ON a.id = c.contact_id
         WHERE c.owner_id = ?
         ORDER BY a.first_name COLLATE NOCASE, a.last_name COLLATE NOCASE, a.youmeet_id`,
      )
      .all(ownerId)
      .map((row) => ({
        accountId: row.account_id,
        youmeetId: row.youmeet_id,
        firstName: row.first_name,
        lastName: row.last_name,
        username: row.username,
        photoUrl: row.photo_url,
        displayName: row.display_name,
        addedAt: row.added_at,
        mutual: row.mutual === 1,
      }));
  }
}
