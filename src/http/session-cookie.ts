/**
 * The login session cookie: HttpOnly, SameSite=Lax, and on https also Secure with the
 * `__Host-` prefix (bound to this exact host, path /). It is the only cookie the server sets.
 */
export class SessionCookie {
  readonly name: string;

  constructor(
    private readonly secure: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.name = secure ? "__Host-youmeet_session" : "youmeet_session";
  }

  /** The session token from a Cookie header, or null. */
  read(cookieHeader: string | null): string | null {
    return readCookie(cookieHeader, this.name);
  }

  /** Set-Cookie value that stores a token until `expiresAt` (ms). */
  set(token: string, expiresAt: number): string {
    const maxAge = Math.max(0, Math.floor((expiresAt - this.now()) / 1000));
    return `${this.name}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${this.secure ? "; Secure" : ""}`;
  }

  /** Set-Cookie value that removes the cookie. */
  clear(): string {
    return `${this.name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${this.secure ? "; Secure" : ""}`;
  }
}

/** One cookie's value from a Cookie header (first match), or null. */
export function readCookie(cookieHeader: string | null, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
