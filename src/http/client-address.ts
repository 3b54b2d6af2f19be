import { isIP } from "node:net";
import { isLoopback } from "./ops.ts";

/**
 * The address a request came from, as rate limits and the /metrics rule see it. With a
 * trusted reverse proxy on this machine (the peer is loopback), it is the last
 * X-Forwarded-For entry: the one the proxy itself appended, which a client cannot forge
 * (entries before it are whatever the client sent). Anything unparsable keeps the peer.
 */
export function clientAddress(request: Request, peer: string, trustProxy: boolean): string {
  if (!trustProxy || !isLoopback(peer)) return peer;
  const forwarded = request.headers.get("x-forwarded-for");
  if (!forwarded) return peer;
  const last = forwarded.slice(forwarded.lastIndexOf(",") + 1).trim();
  return isIP(last) === 0 ? peer : last;
}
