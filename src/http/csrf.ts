import { createHmac, timingSafeEqual } from "node:crypto";
import { isLoopback } from "./ops.ts";

/** Anonymous form tokens (login forms) expire; session-bound ones live as long as the session. */
const ANONYMOUS_TOKEN_SECONDS = 24 * 60 * 60;

/**
 * Form tokens without a cookie of their own (cookies hold only the login session):
 * a logged-in token is an HMAC of the session's token hash, so it is useless with
 * anyone else's session; an anonymous one is a signed expiry time.
 */
export class CsrfTokens {
  constructor(
    private readonly secret: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token for forms answered to this session (or to a visitor when null). */
  issue(sessionHash: Uint8Array | null): string {
    if (sessionHash) return this.sign(`s:${Buffer.from(sessionHash).toString("hex")}`);
    const expires = Math.floor(this.now() / 1000) + ANONYMOUS_TOKEN_SECONDS;
    return `${expires}.${this.sign(`a:${expires}`)}`;
  }

  /** True when `token` was issued for this session (or, anonymously, has not expired). */
  verify(token: string | null | undefined, sessionHash: Uint8Array | null): boolean {
    if (!token || token.length > 128) return false;
    if (sessionHash) return safeEqual(token, this.sign(`s:${Buffer.from(sessionHash).toString("hex")}`));
    const [expires, mac] = token.split(".");
    if (!expires || !mac || !/^\d{1,12}$/.test(expires)) return false;
    if (Number(expires) < Math.floor(this.now() / 1000)) return false;
    return safeEqual(mac, this.sign(`a:${expires}`));
  }

  private sign(message: string): string {
    return createHmac("sha256", this.secret).update(message).digest("base64url");
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Same-origin check for unsafe methods: a browser always sends Origin or Sec-Fetch-Site
 * on a cross-site POST, so either one saying "elsewhere" refuses the request. The page
 * may be reached by its public URL or, on the operator's own machine, by the loopback address
 * it was requested at (127.0.0.1 vs localhost). Only loopback: a DNS-rebinding page on
 * another name resolving here would otherwise count as this site.
 */
export function isSameOrigin(request: Request, publicOrigin: string): boolean {
  const headers = request.headers;
  const origin = headers.get("origin");
  if (origin !== null && origin !== publicOrigin && !isRequestedLoopbackOrigin(origin, request.url)) return false;
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return false;
  return true;
}

function isRequestedLoopbackOrigin(origin: string, requestUrl: string): boolean {
  const requested = new URL(requestUrl);
  if (origin !== requested.origin) return false;
  const host = requested.hostname.replace(/^\[(.*)\]$/, "$1");
  return host === "localhost" || isLoopback(host);
}
