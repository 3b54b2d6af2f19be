import { randomInt } from "node:crypto";

/**
 * Lower-case letters and digits without the look-alikes 0/o, 1/l/i, so an ID read aloud
 * or copied by hand survives: 31 symbols.
 */
const ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
const GROUPS = 3;
const GROUP_LENGTH = 3;

/** Pattern of a well-formed youmeet ID, e.g. `k7m-p3q-x9z`. */
export const YOUMEET_ID_PATTERN = new RegExp(`^[${ALPHABET}]{${GROUP_LENGTH}}(-[${ALPHABET}]{${GROUP_LENGTH}}){${GROUPS - 1}}$`);

/** A fresh random youmeet ID (about 44.6 bits; the caller retries on the rare clash). */
export function randomYoumeetId(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = "";
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join("-");
}

/** Normalises what a person typed (case, spaces, missing dashes) to the stored form, or null. */
export function normaliseYoumeetId(input: string): string | null {
  const compact = input.trim().toLowerCase().replace(/[\s-]/g, "");
  if (compact.length !== GROUPS * GROUP_LENGTH) return null;
  const groups = compact.match(new RegExp(`.{${GROUP_LENGTH}}`, "g")) ?? [];
  const id = groups.join("-");
  return YOUMEET_ID_PATTERN.test(id) ? id : null;
}
