/**
 * What the `users` and `plans` admin groups share: naming a user by youmeet ID or @username,
 * and turning domain errors into one sentence on stderr with the right exit code.
 */
import { normaliseYoumeetId } from "../../auth/youmeet-id.ts";
import { BadInput, DomainError, NotFound } from "../../errors.ts";
import type { UserRow } from "../../store/users.ts";
import { EXIT, type AdminContext } from "./types.ts";

/** How a command names the account it acts on. */
export const USER_WORD = "ID";

/** The account a word names (a youmeet ID like k7m-p3q-x9z, or @username), or a domain error. */
export function findUser(ctx: AdminContext, word: string): UserRow {
  if (word.startsWith("@")) {
    const username = word.slice(1);
    if (!/^[A-Za-z0-9_]{1,32}$/.test(username)) throw new BadInput("user.bad_name", `${JSON.stringify(word)} is not a Telegram @username.`);
    const found = ctx.stores.users.findByUsername(username);
    if (found.length === 0) throw new NotFound("user.not_found", `No account has the username @${username}.`);
    if (found.length > 1) {
      const ids = found.map((u) => u.youmeetId).join(", ");
      throw new NotFound("user.ambiguous", `Several accounts had the username @${username} (${ids}); name one by its youmeet ID.`);
    }
    return found[0]!;
  }
  const youmeetId = normaliseYoumeetId(word);
  if (!youmeetId) {
    throw new BadInput("user.bad_id", `${JSON.stringify(word)} is neither a youmeet ID (like k7m-p3q-x9z) nor an @username.`);
  }
  const user = ctx.stores.users.findByYoumeetId(youmeetId);
  if (!user) throw new NotFound("user.not_found", `There is no account with the youmeet ID ${youmeetId}.`);
  return user;
}

/** Runs a command body; a domain error becomes its sentence and exit 2 (bad input) or 1 (not found, refused). */
export function guarded(ctx: AdminContext, body: () => number): number {
  try {
    return body();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    ctx.err(`youmeet: ${error.message}`);
    return error.kind === "bad_input" ? EXIT.usage : EXIT.refused;
  }
}


/** A time for JSON: ISO 8601, or null. */
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
