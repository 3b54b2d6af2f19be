import { createHmac } from "node:crypto";
import type { IceServerView } from "./protocol.ts";

/** TURN credentials last this long: enough for a long call, short enough to be useless later. */
const TURN_CREDENTIAL_SECONDS = 12 * 60 * 60;

/**
 * ICE servers for a participant's browser: only the TURN server the operator configured,
 * with coturn "use-auth-secret" credentials (username = expiry:peer, password = HMAC-SHA1).
 * Never a public STUN server.
 */
export function iceServersFor(
  turn: { urls: readonly string[]; secret: string | null },
  peerId: string,
  nowMs: number = Date.now(),
): IceServerView[] {
  if (turn.urls.length === 0 || !turn.secret) return [];
  const username = `${Math.floor(nowMs / 1000) + TURN_CREDENTIAL_SECONDS}:${peerId}`;
  const credential = createHmac("sha1", turn.secret).update(username).digest("base64");
  return [{ urls: [...turn.urls], username, credential }];
}
