/**
 * Domain errors: a stable code and a sentence for the user, no HTTP. The one mapper in
 * src/http/errors.ts turns each kind into a status, a page, an htmx fragment or JSON.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: "bad_input" | "unauthorized" | "forbidden" | "not_found" | "limit_reached" | "conflict";
  constructor(
    readonly code: string,
    message: string,
    /** The values in the message (a name, an ID), so pages can say it in the visitor's language. */
    readonly vars: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input is malformed or out of bounds. */
export class BadInput extends DomainError {
  readonly kind = "bad_input";
}

/** Who you are could not be established (not logged in, a login that failed its check). */
export class Unauthorized extends DomainError {
  readonly kind = "unauthorized";
}

/** You are known but may not do this. */
export class Forbidden extends DomainError {
  readonly kind = "forbidden";
}

/** The thing does not exist (or is not yours to see). */
export class NotFound extends DomainError {
  readonly kind = "not_found";
}

/** A plan limit or a rate limit stands in the way. */
export class LimitReached extends DomainError {
  readonly kind = "limit_reached";
}

/** The request clashes with the current state. */
export class Conflict extends DomainError {
  readonly kind = "conflict";
}
