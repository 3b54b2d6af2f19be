import { Unauthorized } from "../../errors.ts";
import type { Account } from "../../store/accounts.ts";
import type { Visit } from "../visit.ts";

/** The account of an API request, or 401. */
export function requireAccount(visit: Visit): Account {
  const account = visit.session?.account;
  if (!account) throw new Unauthorized("auth.required", "Log in first: this needs a youmeet session.");
  return account;
}
