import type { MediaStateValue, ParticipantView, ServerMessage } from "./protocol.ts";

/** Who is on the other end of a socket, as established at the upgrade. */
export type Identity =
  | { kind: "account"; accountId: number; name: string }
  | { kind: "guest"; guestId: string; name: string };

/** The sending side of one participant's socket. */
export interface Connection {
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** One person in a call. */
export interface Participant {
  readonly peerId: string;
  readonly identity: Identity;
  readonly key: string;
  readonly role: ParticipantView["role"];
  readonly connection: Connection;
  media: MediaStateValue;
  mutedByOwner: boolean;
  /** Set once the participant has gone; late events for it are dropped. */
  gone: boolean;
}

/** A room's call in progress: who is in it and the owner's controls. */
export interface Call {
  readonly roomId: string;
  readonly roomName: string | null;
  readonly ownerAccountId: number;
  locked: boolean;
  readonly participants: Map<string, Participant>;
  /** Identities that were in this call and may come back while it is locked (reconnects). */
  readonly admitted: Set<string>;
  /** Identities the owner removed: kept out while the room is locked. */
  readonly removed: Set<string>;
  /** Since when the call's minutes are counted (two or more people), up to the last accrual; null when not counting. */
  countingSince: number | null;
  /** Everyone was told the owner's minutes are about to run out. */
  minutesWarned: boolean;
  /** The last active speaker the SFU named, so that newcomers see the highlight too. */
  activeSpeaker: string | null;
}

/** Stable key of an identity, for admitted/removed sets. */
export function identityKey(identity: Identity): string {
  return identity.kind === "account" ? `a:${identity.accountId}` : `g:${identity.guestId}`;
}

/** What everyone in the call sees of a participant. */
export function viewOf(participant: Participant): ParticipantView {
  return {
    peerId: participant.peerId,
    name: participant.identity.name,
    role: participant.role,
    media: participant.media,
    mutedByOwner: participant.mutedByOwner,
  };
}

/** Sends a message to everyone in the call except `exceptPeerId`. */
export function broadcast(call: Call, message: ServerMessage, exceptPeerId?: string): void {
  for (const participant of call.participants.values()) {
    if (participant.peerId !== exceptPeerId && !participant.gone) participant.connection.send(message);
  }
}
