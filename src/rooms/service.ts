import { BadInput, NotFound } from "../errors.ts";
import type { PlanService } from "../plans/service.ts";
import type { Account } from "../store/accounts.ts";
import type { Stores } from "../store/index.ts";
import type { RoomRecord } from "../store/rooms.ts";
import { randomRoomId, ROOM_ID_PATTERN } from "./room-id.ts";

/** Longest room name, in characters. */
export const ROOM_NAME_MAX = 80;

/** What the rooms service needs to know about calls in progress (the signaling hub). */
export interface LiveCalls {
  /** Names of the people in the room's call now (empty when none). */
  participantsOf(roomId: string): string[];
  /** Ends the room's call for everyone, telling them why. */
  endCall(roomId: string, reason: "room-deleted"): void;
}

/** A room with its call as the owner's dashboard and the API show it. */
export interface RoomSummary extends RoomRecord {
  live: string[];
}

/** Rooms: create, list, delete, guest access; the rules over the rooms store. */
export class RoomService {
  constructor(
    private readonly stores: Stores,
    private readonly live: LiveCalls,
    private readonly plans: PlanService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a room for `owner` with an optional name, within the rooms the owner's plan allows. */
  create(owner: Account, input: { name?: string | null }): RoomSummary {
    const name = normaliseName(input.name);
    this.plans.checkRoomCreation(owner.id);
    const room: RoomRecord = { id: randomRoomId(), ownerId: owner.id, name, allowGuests: true, createdAt: this.now() };
    this.stores.rooms.insert(room);
    return { ...room, live: [] };
  }

  /** The owner's rooms with who is in each call now, newest first. */
  list(owner: Account): RoomSummary[] {
    return this.stores.rooms.listByOwner(owner.id).map((room) => ({ ...room, live: this.live.participantsOf(room.id) }));
  }

  /** A room anyone with the link may open, or NotFound. */
  open(id: string): RoomRecord {
    const room = ROOM_ID_PATTERN.test(id) ? this.stores.rooms.find(id) : null;
    if (!room) throw new NotFound("room.not_found", "This room does not exist, or its owner deleted it.");
    return room;
  }

  /** One of the owner's rooms, or NotFound (someone else's room is not theirs to see). */
  owned(owner: Account, id: string): RoomRecord {
    const room = ROOM_ID_PATTERN.test(id) ? this.stores.rooms.find(id) : null;
    if (!room || room.ownerId !== owner.id) throw new NotFound("room.not_found", "You have no room with this id.");
    return room;
  }

  /** Deletes one of the owner's rooms; a call in it ends. */
  delete(owner: Account, id: string): void {
    const room = this.owned(owner, id);
    this.stores.rooms.delete(room.id);
    this.live.endCall(room.id, "room-deleted");
  }

  /** Lets guests join by link, or not. */
  setGuestsAllowed(owner: Account, id: string, allowed: boolean): RoomRecord {
    const room = this.owned(owner, id);
    this.stores.rooms.setAllowGuests(room.id, allowed);
    return { ...room, allowGuests: allowed };
  }
}

function normaliseName(raw: string | null | undefined): string | null {
  const name = (raw ?? "").trim().replace(/\s+/g, " ");
  if (name.length === 0) return null;
  if (name.length > ROOM_NAME_MAX) {
    throw new BadInput("room.bad_name", `A room name may be at most ${ROOM_NAME_MAX} characters.`);
  }
  if (/\p{Cc}/u.test(name)) throw new BadInput("room.bad_name", "A room name cannot contain control characters.");
  return name;
}
