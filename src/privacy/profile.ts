import { BadInput } from "../errors.ts";

/** Longest display name, in characters (Telegram allows 64 for a first name too). */
export const DISPLAY_NAME_MAX = 64;

/**
 * Control characters, and the invisible direction overrides that can make a name read as
 * someone else's in a list of participants.
 */
const FORBIDDEN = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * A display name as the user typed it, trimmed and with runs of spaces made one, or a
 * BadInput saying what is wrong. Null stays null: it means "show Telegram's name again".
 */
export function normaliseDisplayName(raw: string | null): string | null {
  if (raw === null) return null;
  if (FORBIDDEN.test(raw)) {
    throw new BadInput("profile.name_control", "A display name cannot contain control characters or invisible direction marks.");
  }
  const name = raw.trim().replace(/\s+/g, " ");
  if (name.length === 0) {
    throw new BadInput("profile.name_empty", "A display name cannot be empty; send null to show your Telegram name again.");
  }
  if ([...name].length > DISPLAY_NAME_MAX) {
    throw new BadInput("profile.name_too_long", `A display name may be at most ${DISPLAY_NAME_MAX} characters.`);
  }
  return name;
}
