import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { BadInput } from "../errors.ts";

/** How long a guest may use (and reconnect with) one token. */
export const GUEST_TOKEN_MS = 6 * 60 * 60 * 1000;
/** Longest guest display name, in characters. */
export const GUEST_NAME_MAX = 64;

/** A verified guest: a random id of this visit, and the name they gave. */
export interface Guest {
  guestId: string;
  name: string;
  roomId: string;
}

/**
 * Signed, short-lived tokens that let a visitor join one room under a display name. Nothing
 * is stored: the signature carries the room, the name and the expiry.
 */
export class GuestTokens {
  constructor(
    private readonly secret: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {}

  /** Issues a token for `name` in `roomId`, or BadInput for an unusable name. */
  issue(roomId: string, rawName: string): { token: string; expiresAt: number; guest: Guest } {
    const name = normaliseGuestName(rawName);
    const guestId = randomBytes(9).toString("base64url");
    const expiresAt = this.now() + GUEST_TOKEN_MS;
    const body = `${guestId}.${expiresAt.toString(36)}.${Buffer.from(name).toString("base64url")}`;
    return { token: `${body}.${this.sign(roomId, body)}`, expiresAt, guest: { guestId, name, roomId } };
  }

  /** The guest a token names for this room, or null when forged, for another room, or expired. */
  verify(roomId: string, token: string | null | undefined): Guest | null {
    if (!token || token.length > 512) return null;
    const parts = token.split(".");
    if (parts.length !== 4) return null;
    const [guestId, expires, encodedName, mac] = parts as [string, string, string, string];
    const body = `${guestId}.${expires}.${encodedName}`;
    const expected = Buffer.from(this.sign(roomId, body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (parseInt(expires, 36) <= this.now()) return null;
    return { guestId, name: Buffer.from(encodedName, "base64url").toString(), roomId };
  }

  private sign(roomId: string, body: string): string {
    return createHmac("sha256", this.secret).update(`guest:${roomId}:${body}`).digest("base64url");
  }
}

/** Trims and checks a display name typed by a guest. */
export function normaliseGuestName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, " ");
  if (name.length === 0 || name.length > GUEST_NAME_MAX || /[\p{Cc}\p{Cf}]/u.test(name.replace(/\u200d/g, ""))) {
    throw new BadInput("guest.bad_name", `Enter a display name of 1 to ${GUEST_NAME_MAX} characters.`);
  }
  return name;
}
