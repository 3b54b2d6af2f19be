import { BadInput } from "../errors.ts";
import type { Stores } from "../store/index.ts";
import type { NoticeRecord } from "../store/notices.ts";

/** Longest notice, in characters: a banner is a sentence or two, not a page. */
export const NOTICE_MAX_CHARS = 500;
/**
 * How long the server trusts the notice it read last. The admin CLI writes it from another
 * process, so the server reads the row again at most this often: a change shows within
 * seconds, and a page view costs no query at all most of the time.
 */
export const NOTICE_CACHE_MS = 5_000;

/** A notice and whether it shows now. */
export interface NoticeState extends NoticeRecord {
  /** False once `until` has passed. */
  showing: boolean;
}

/** The operator's service notice: set and cleared by the admin CLI, shown on every page. */
export class NoticeService {
  private cache: { record: NoticeRecord | null; readAt: number } | null = null;

  constructor(
    private readonly stores: Stores,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sets the notice (replacing any), shown until `until` (null: until cleared). Throws BadInput. */
  set(text: string, until: number | null): NoticeState {
    // One line on every page: line breaks and runs of spaces from the shell become one space.
    const clean = text.replace(/\s+/g, " ").trim();
    if (clean === "") throw new BadInput("notice.empty", "The notice text is empty; write what users should know.");
    const length = [...clean].length;
    if (length > NOTICE_MAX_CHARS) {
      throw new BadInput("notice.too_long", `The notice has ${length} characters; keep it to ${NOTICE_MAX_CHARS}.`);
    }
    const now = this.now();
    if (until !== null && until <= now) {
      throw new BadInput("notice.until_past", "The end time of the notice has already passed; give a time in the future.");
    }
    const record = { text: clean, until, setAt: now };
    this.stores.notices.set(record);
    this.cache = null;
    return { ...record, showing: true };
  }

  /** Removes the notice; false when none was set. */
  clear(): boolean {
    this.cache = null;
    return this.stores.notices.clear();
  }

  /** The stored notice with whether it shows now, read fresh; null when none is set. */
  stored(): NoticeState | null {
    const record = this.stores.notices.get();
    return record ? { ...record, showing: this.inForce(record) } : null;
  }

  /** The text pages show now, or null: cached for NOTICE_CACHE_MS. */
  current(): string | null {
    const now = this.now();
    if (!this.cache || now - this.cache.readAt >= NOTICE_CACHE_MS || now < this.cache.readAt) {
      this.cache = { record: this.stores.notices.get(), readAt: now };
    }
    const record = this.cache.record;
    return record && this.inForce(record) ? record.text : null;
  }

  private inForce(record: NoticeRecord): boolean {
    return record.until === null || this.now() < record.until;
  }
}
