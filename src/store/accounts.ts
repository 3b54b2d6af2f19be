import type { Database } from "bun:sqlite";

/** An account as the rest of the code sees it. Times are Unix milliseconds. */
export interface Account {
  id: number;
  youmeetId: string;
  telegramId: number;
  firstName: string;
  lastName: string | null;
  username: string | null;
  photoUrl: string | null;
  telegramLanguage: string | null;
  region: string | null;
  language: string | null;
  /** The name the user chose; null shows Telegram's first name. */
  displayName: string | null;
  /** The name other people see (in calls, contacts, pages): the display name, else Telegram's first name. */
  name: string;
  /** Privacy policy version last accepted, and when (null before consent was recorded). */
  consentVersion: string | null;
  consentAt: number | null;
  createdAt: number;
  updatedAt: number;
  lastSeenAt: number;
}

/** The fields Telegram gives us, written on every login. */
export interface TelegramProfile {
  telegramId: number;
  firstName: string;
  lastName: string | null;
  username: string | null;
  photoUrl: string | null;
  telegramLanguage: string | null;
  region: string | null;
}

interface AccountRow {
  id: number;
  youmeet_id: string;
  telegram_id: number;
  first_name: string;
  last_name: string | null;
  username: string | null;
  photo_url: string | null;
  telegram_language: string | null;
  region: string | null;
  language: string | null;
  display_name: string | null;
  consent_version: string | null;
  consent_at: number | null;
  created_at: number;
  updated_at: number;
  last_seen_at: number;
}

const COLUMNS = `id, youmeet_id, telegram_id, first_name, last_name, username, photo_url,
  telegram_language, region, language, display_name, consent_version, consent_at, created_at, updated_at, last_seen_at`;

function toAccount(row: AccountRow | null): Account | null {
  if (!row) return null;
  return {
    id: row.id,
    youmeetId: row.youmeet_id,
    telegramId: row.telegram_id,
    firstName: row.first_name,
    lastName: row.last_name,
    username: row.username,
    photoUrl: row.photo_url,
    telegramLanguage: row.telegram_language,
    region: row.region,
    language: row.language,
    displayName: row.display_name,
    name: row.display_name ?? row.first_name,
    consentVersion: row.consent_version,
    consentAt: row.consent_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSeenAt: row.last_seen_at,
  };
}

type ProfileParams = ReturnType<typeof profileParams>;

/** Named SQL parameters of the Telegram fields. */
function profileParams(profile: TelegramProfile) {
  return {
    telegram_id: profile.telegramId,
    first_name: profile.firstName,
    last_name: profile.lastName,
    username: profile.username,
    photo_url: profile.photoUrl,
    telegram_language: profile.telegramLanguage,
    region: profile.region,
  };
}

/** SQL over the accounts table. */
/** First and last name as Telegram gave them. */
export function telegramName(person: { firstName: string; lastName: string | null }): string {
  return [person.firstName, person.lastName].filter(Boolean).join(" ");
}

export class AccountStore {
  constructor(private readonly db: Database) {}

  /** The account with this internal id, or null. */
  findById(id: number): Account | null {
    return toAccount(this.db.query<AccountRow, [number]>(`SELECT ${COLUMNS} FROM accounts WHERE id = ?`).get(id));
  }

  /** The account with this Telegram id, or null. */
  findByTelegramId(telegramId: number): Account | null {
    return toAccount(
      this.db.query<AccountRow, [number]>(`SELECT ${COLUMNS} FROM accounts WHERE telegram_id = ?`).get(telegramId),
    );
  }

  /** The account with this youmeet ID, or null. */
  findByYoumeetId(youmeetId: string): Account | null {
    return toAccount(
      this.db.query<AccountRow, [string]>(`SELECT ${COLUMNS} FROM accounts WHERE youmeet_id = ?`).get(youmeetId),
    );
  }

  /** The account that most recently logged in with this Telegram @username (any case), or null. */
  findByUsername(username: string): Account | null {
    return toAccount(
      this.db
        .query<AccountRow, [string]>(
          `SELECT ${COLUMNS} FROM accounts WHERE username = ? COLLATE NOCASE ORDER BY updated_at DESC LIMIT 1`,
        )
        .get(username),
    );
  }

  /** Whether a youmeet ID is taken (the generator retries on a clash). */
  youmeetIdExists(youmeetId: string): boolean {
    return this.db.query<{ one: number }, [string]>("SELECT 1 AS one FROM accounts WHERE youmeet_id = ?").get(youmeetId) !== null;
  }

  /** Inserts a new account and returns it. */
  insert(youmeetId: string, profile: TelegramProfile, now: number): Account {
    const row = this.db
      .query<AccountRow, [ProfileParams & { youmeet_id: string; now: number }]>(
        `INSERT INTO accounts (youmeet_id, telegram_id, first_name, last_name, username, photo_url,
           telegram_language, region, language, created_at, updated_at, last_seen_at)
         VALUES ($youmeet_id, $telegram_id, $first_name, $last_name, $username, $photo_url,
           $telegram_language, $region, NULL, $now, $now, $now) RETURNING ${COLUMNS}`,
      )
      .get({ ...profileParams(profile), youmeet_id: youmeetId, now });
    return toAccount(row)!;
  }

  /** Overwrites the Telegram fields (every login) and marks the account seen. */
  updateProfile(id: number, profile: TelegramProfile, now: number): Account | null {
    const row = this.db
      .query<AccountRow, [ProfileParams & { id: number; now: number }]>(
        `UPDATE accounts SET first_name = $first_name, last_name = $last_name, username = $username,
           photo_url = $photo_url, telegram_language = COALESCE($telegram_language, telegram_language),
           region = CASE WHEN $telegram_language IS NULL THEN region ELSE $region END, updated_at = $now, last_seen_at = $now
         WHERE id = $id AND telegram_id = $telegram_id RETURNING ${COLUMNS}`,
      )
      .get({ ...profileParams(profile), id, now });
    return toAccount(row);
  }

  /** Sets the interface language chosen in settings (null follows Telegram again). */
  setLanguage(id: number, language: string | null, now: number): Account | null {
    return this.update("language = ?, updated_at = ?", id, language, now);
  }

  /** Sets the name shown to others (null shows Telegram's first name again). */
  setDisplayName(id: number, displayName: string | null, now: number): Account | null {
    return this.update("display_name = ?, updated_at = ?", id, displayName, now);
  }

  /** Records that the user accepted this privacy policy version now. */
  recordConsent(id: number, version: string, now: number): Account | null {
    return this.update("consent_version = ?, consent_at = ?", id, version, now);
  }

  /** One UPDATE of fixed columns (`set` is ours, never input), answering the account as it is now. */
  private update(set: string, id: number, ...values: Array<string | number | null>): Account | null {
    return toAccount(
      this.db.query<AccountRow, Array<string | number | null>>(`UPDATE accounts SET ${set} WHERE id = ? RETURNING ${COLUMNS}`).get(...values, id),
    );
  }

  /** Records activity, at most one write per `minIntervalMs` per account. */
  touchLastSeen(id: number, now: number, minIntervalMs: number): void {
    this.db
      .query("UPDATE accounts SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?")
      .run(now, id, now - minIntervalMs);
  }

  /** Deletes accounts not seen since `cutoff` (everything referring to them cascades); returns their youmeet IDs. */
  deleteInactiveSince(cutoff: number): string[] {
    return this.db
      .query<{ youmeet_id: string }, [number]>("DELETE FROM accounts WHERE last_seen_at < ? RETURNING youmeet_id")
      .all(cutoff)
      .map((row) => row.youmeet_id);
  }

  /** Number of accounts (metrics, health). */
  count(): number {
    return this.db.query<{ n: number }, []>("SELECT count(*) AS n FROM accounts").get()!.n;
  }
}
