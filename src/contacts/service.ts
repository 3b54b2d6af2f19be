import { normaliseYoumeetId } from "../auth/youmeet-id.ts";
import { BadInput, Conflict, LimitReached, NotFound } from "../errors.ts";
import { telegramName, type Account } from "../store/accounts.ts";
import type { ContactRecord } from "../store/contacts.ts";
import type { Stores } from "../store/index.ts";
import { RecentAttempts } from "./attempts.ts";

/** Contacts one account may keep: a guard against runaway scripts. */
const CONTACTS_MAX = 500;
/** Attempts to add a contact one account may make per minute (each one looks someone up). */
const CONTACT_ADDS_PER_MINUTE = 60;
/** Telegram usernames: letters, digits and underscores, 4 to 32 (4 only for collectible ones). */
const USERNAME_PATTERN = /^[A-Za-z0-9_]{4,32}$/;
/** Longest text the add form accepts before it is even looked at. */
const QUERY_MAX = 64;

/** Who to add: exactly one of a youmeet ID or a Telegram @username. */
export type ContactQuery = { youmeetId: string; username?: undefined } | { username: string; youmeetId?: undefined };

/** A contact as lists show it, with whether they have a youmeet page open now. */
export interface ContactEntry extends ContactRecord {
  online: boolean;
}

/** What the contacts service asks about open pages. */
export interface Presence {
  isOnline(accountId: number): boolean;
}

/** The name others see: the one the person chose on youmeet, else first and last name as Telegram gave them. */
export function displayName(person: { firstName: string; lastName: string | null; displayName: string | null }): string {
  return person.displayName ?? telegramName(person);
}

/** A youmeet ID as typed (any case, spaces or dashes anywhere), or BadInput. */
export function parseYoumeetId(input: string): string {
  const id = input.length <= QUERY_MAX ? normaliseYoumeetId(input) : null;
  if (!id) {
    throw new BadInput(
      "contact.bad_id",
      `"${input.slice(0, QUERY_MAX)}" is not a youmeet ID: one has nine letters and digits, like k7m-p3q-x9z.`,
      { input: input.slice(0, QUERY_MAX) },
    );
  }
  return id;
}

/** Contacts: add by youmeet ID or @username, list with presence, remove. */
export class ContactService {
  private readonly adds: RecentAttempts;

  constructor(
    private readonly stores: Stores,
    private readonly presence: Presence,
    private readonly now: () => number = Date.now,
  ) {
    this.adds = new RecentAttempts(CONTACT_ADDS_PER_MINUTE, now);
  }

  /**
   * Adds what a person typed in the add form. Nine letters and digits could be a youmeet ID
   * or a username without its @: the ID wins, the username is tried when no one has that ID.
   */
  addTyped(owner: Account, text: string): ContactEntry {
    const query = this.parseTyped(text);
    const typed = text.trim();
    if (query.youmeetId !== undefined && USERNAME_PATTERN.test(typed)) {
      const id = normaliseYoumeetId(typed);
      if (id && !this.stores.accounts.findByYoumeetId(id) && this.stores.accounts.findByUsername(typed)) {
        return this.add(owner, { username: typed });
      }
    }
    return this.add(owner, query);
  }

  /** Reads what a person typed in the add form: a @username, a youmeet ID, or a bare username. */
  private parseTyped(text: string): ContactQuery {
    const typed = text.trim();
    if (typed.length === 0) {
      throw new BadInput("contact.empty", "Enter a youmeet ID (like k7m-p3q-x9z) or a Telegram @username.");
    }
    if (typed.startsWith("@")) return { username: typed };
    if (typed.length <= QUERY_MAX && normaliseYoumeetId(typed)) return { youmeetId: typed };
    if (USERNAME_PATTERN.test(typed)) return { username: typed };
    return { youmeetId: typed };
  }

  /** Adds someone to the owner's contacts; refuses yourself, unknown people and duplicates. */
  add(owner: Account, query: ContactQuery): ContactEntry {
    if (!this.adds.take(owner.id)) {
      throw new LimitReached(
        "contact.rate_limited",
        `You tried to add ${CONTACT_ADDS_PER_MINUTE} contacts in the last minute; wait a little.`,
        { max: CONTACT_ADDS_PER_MINUTE },
      );
    }
    const contact = query.username !== undefined ? this.byUsername(query.username) : this.byYoumeetId(query.youmeetId);
    if (contact.id === owner.id) {
      throw new BadInput("contact.self", "That is you: add someone else's youmeet ID or username.");
    }
    const name = displayName(contact);
    return this.stores.transaction(() => {
      if (this.stores.contacts.has(owner.id, contact.id)) {
        throw new Conflict("contact.duplicate", `${name} is already in your contacts.`, { name });
      }
      if (this.stores.contacts.count(owner.id) >= CONTACTS_MAX) {
        throw new LimitReached(
          "contact.limit_reached",
          `You already have ${CONTACTS_MAX} contacts, the most one account may keep; remove one to add another.`,
          { max: CONTACTS_MAX },
        );
      }
      const addedAt = this.now();
      this.stores.contacts.add(owner.id, contact.id, addedAt);
      const mutual = this.stores.contacts.has(contact.id, owner.id);
      return { ...entryOf(contact, addedAt, mutual), online: mutual && this.presence.isOnline(contact.id) };
    });
  }

  /** The owner's contacts by name, each with whether they are online now. */
  list(owner: Account): ContactEntry[] {
    // Presence only between people who added each other: adding someone alone must not let
    // the adder watch when they are online.
    return this.stores.contacts
      .list(owner.id)
      .map((contact) => ({ ...contact, online: contact.mutual && this.presence.isOnline(contact.accountId) }));
  }

  /** Removes one of the owner's contacts by youmeet ID (as typed); NotFound when it is not one. */
  remove(owner: Account, youmeetId: string): void {
    const id = parseYoumeetId(youmeetId);
    const contact = this.stores.accounts.findByYoumeetId(id);
    if (!contact || !this.stores.contacts.remove(owner.id, contact.id)) {
      throw new NotFound("contact.not_in_list", `${id} is not in your contacts.`, { id });
    }
  }

  /** The account with this youmeet ID (as typed), or NotFound. */
  byYoumeetId(input: string): Account {
    const id = parseYoumeetId(input);
    const account = this.stores.accounts.findByYoumeetId(id);
    if (!account) throw new NotFound("contact.unknown_id", `Nobody here has the youmeet ID ${id}.`, { id });
    return account;
  }

  private byUsername(input: string): Account {
    const username = input.trim().replace(/^@/, "");
    if (!USERNAME_PATTERN.test(username)) {
      throw new BadInput(
        "contact.bad_username",
        `"${input.slice(0, QUERY_MAX)}" is not a Telegram username: one has 4 to 32 letters, digits or underscores.`,
        { input: input.slice(0, QUERY_MAX) },
      );
    }
    const account = this.stores.accounts.findByUsername(username);
    if (!account) {
      throw new NotFound("contact.unknown_username", `Nobody with the username @${username} has logged in here.`, { username });
    }
    return account;
  }
}

function entryOf(account: Account, addedAt: number, mutual: boolean): ContactRecord {
  return {
    accountId: account.id,
    youmeetId: account.youmeetId,
    firstName: account.firstName,
    lastName: account.lastName,
    username: account.username,
    photoUrl: account.photoUrl,
    displayName: account.displayName,
    addedAt,
    mutual,
  };
}
