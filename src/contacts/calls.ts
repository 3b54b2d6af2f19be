import { randomBytes } from "node:crypto";
import { BadInput, Conflict, Forbidden, LimitReached, NotFound } from "../errors.ts";
import type { RoomService } from "../rooms/service.ts";
import type { Account } from "../store/accounts.ts";
import type { Stores } from "../store/index.ts";
import { RecentAttempts } from "./attempts.ts";
import type { LivePages } from "./live.ts";
import { displayName, parseYoumeetId } from "./service.ts";

/** How long a call rings before it counts as not answered. */
const RING_MS = 30_000;
/** Calls one person may start per minute. */
const CALLS_PER_MINUTE = 10;
/** How often ringing calls are checked against the clock (the clock may be a test's). */
const TICK_MS = 500;
/** Ended calls stay readable (GET /api/v1/calls/:id) this long, then are forgotten. */
const ENDED_KEPT_MS = 10 * 60_000;

/** Where a call is: ringing until answered, declined, cancelled by the caller, or not answered in time. */
export type CallState = "ringing" | "accepted" | "declined" | "missed" | "cancelled";

/** The public fields of one side of a call. */
export interface CallPerson {
  youmeetId: string;
  name: string;
  username: string | null;
  photoUrl: string | null;
}

/** A call as one of its two people sees it. */
export interface CallView {
  id: string;
  state: CallState;
  direction: "outgoing" | "incoming";
  /** The other person. */
  peer: CallPerson;
  /** The room the call happens in; the callee learns it only on accepting. */
  roomId: string | null;
  startedAt: number;
  expiresAt: number;
  /** True on the caller's page that started the call, once accepted: that page opens the room. */
  open: boolean;
}

interface Call {
  id: string;
  callerId: number;
  calleeId: number;
  caller: CallPerson;
  callee: CallPerson;
  roomId: string;
  state: CallState;
  startedAt: number;
  expiresAt: number;
  endedAt: number | null;
  originPage: string | null;
}

/**
 * Calls between two accounts: start (rings every page the callee has open), accept, decline,
 * cancel, and "not answered" after RING_MS. Calls live in memory only: nothing about them is
 * stored but the room they use.
 */
export class CallService {
  private readonly calls = new Map<string, Call>();
  private readonly starts: RecentAttempts;
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly stores: Stores,
    private readonly rooms: Pick<RoomService, "create" | "setGuestsAllowed">,
    private readonly live: LivePages,
    private readonly now: () => number = Date.now,
  ) {
    this.starts = new RecentAttempts(CALLS_PER_MINUTE, now);
  }

  /**
   * Rings the account with this youmeet ID (as typed) from `caller`'s `originPage` (null from
   * the API). Calling the same person again while it rings answers the same call; calling
   * someone else cancels the caller's ringing call first.
   */
  start(caller: Account, youmeetId: string, originPage: string | null): CallView {
    // Counted before any lookup: the answers tell whether an ID exists and whose it is.
    this.countStart(caller.id);
    const id = parseYoumeetId(youmeetId);
    const callee = this.stores.accounts.findByYoumeetId(id);
    if (!callee) throw new NotFound("call.unknown_id", `Nobody here has the youmeet ID ${id}.`, { id });
    if (callee.id === caller.id) throw new BadInput("call.self", "You cannot call yourself.");
    const name = displayName(callee);
    if (!this.stores.contacts.has(callee.id, caller.id) && !this.stores.calls.acceptsCallsFromAnyone(callee.id)) {
      throw new Forbidden("call.not_allowed", `${name} accepts calls only from their contacts.`, { name });
    }
    const ringing = [...this.calls.values()].find((call) => call.callerId === caller.id && call.state === "ringing");
    if (ringing?.calleeId === callee.id) {
      if (originPage) ringing.originPage = originPage;
      return this.viewFor(ringing, caller.id, originPage);
    }
    // The room first: if it cannot be made (a room limit), the caller's ringing call goes on.
    const roomId = this.roomFor(caller, callee);
    if (ringing) this.end(ringing, "cancelled");
    const now = this.now();
    const call: Call = {
      id: randomBytes(16).toString("base64url"),
      callerId: caller.id,
      calleeId: callee.id,
      caller: personOf(caller),
      callee: personOf(callee),
      roomId,
      state: "ringing",
      startedAt: now,
      expiresAt: now + RING_MS,
      endedAt: null,
      originPage,
    };
    this.calls.set(call.id, call);
    this.announce(call);
    if (!this.ticker) {
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      // A ringing call must not keep a stopping process alive.
      this.ticker.unref?.();
    }
    return this.viewFor(call, caller.id, originPage);
  }

  /** The callee answers: the call moves to its room; answering again goes there again. */
  accept(account: Account, id: string): CallView {
    const call = this.find(account, id);
    if (call.calleeId === account.id && call.state === "accepted") return this.viewFor(call, account.id, null);
    return this.answer(account, call, "callee", "accepted");
  }

  /** The callee says no. */
  decline(account: Account, id: string): CallView {
    return this.answer(account, this.find(account, id), "callee", "declined");
  }

  /** The caller hangs up before anyone answered. */
  cancel(account: Account, id: string): CallView {
    return this.answer(account, this.find(account, id), "caller", "cancelled");
  }

  /** One call as this account (its caller or callee) sees it. */
  view(account: Account, id: string, pageId: string | null = null): CallView {
    return this.viewFor(this.find(account, id), account.id, pageId);
  }

  /** The calls ringing to or from the account now (a page that just opened shows them). */
  ringingFor(accountId: number): CallView[] {
    return [...this.calls.values()]
      .filter((call) => call.state === "ringing" && (call.callerId === accountId || call.calleeId === accountId))
      .map((call) => this.viewFor(call, accountId, null));
  }

  /** Ends "not answered" calls whose time is up and forgets long-ended ones. */
  tick(): void {
    const now = this.now();
    for (const call of this.calls.values()) {
      if (call.state === "ringing" && call.expiresAt <= now) this.end(call, "missed");
      else if (call.endedAt !== null && now - call.endedAt > ENDED_KEPT_MS) this.calls.delete(call.id);
    }
    if (this.ticker && ![...this.calls.values()].some((call) => call.state === "ringing")) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  /** Stops the clock check (server shutdown). */
  close(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private find(account: Account, id: string): Call {
    const call = this.calls.get(id);
    // Long-ended calls are forgotten here too: the clock check only runs while something rings.
    if (call?.endedAt != null && this.now() - call.endedAt > ENDED_KEPT_MS) this.calls.delete(id);
    if (!call || !this.calls.has(id) || (call.callerId !== account.id && call.calleeId !== account.id)) throw notYours();
    return call;
  }

  /** Ends a ringing call as `side` of it may: the callee accepts or declines, the caller cancels. */
  private answer(account: Account, call: Call, side: "caller" | "callee", state: "accepted" | "declined" | "cancelled"): CallView {
    if ((side === "caller" ? call.callerId : call.calleeId) !== account.id) throw notYours();
    this.requireRinging(call);
    this.end(call, state);
    return this.viewFor(call, account.id, null);
  }

  private requireRinging(call: Call): void {
    if (call.state === "ringing") return;
    const messages: Record<Exclude<CallState, "ringing">, string> = {
      accepted: "This call was already answered.",
      declined: "This call was already declined.",
      missed: "This call was not answered in time and has stopped ringing.",
      cancelled: "This call was cancelled before it was answered.",
    };
    throw new Conflict(`call.${call.state}`, messages[call.state]);
  }

  private end(call: Call, state: Exclude<CallState, "ringing">): void {
    call.state = state;
    call.endedAt = this.now();
    this.announce(call);
  }

  /** Every page of both people learns the call's new state. */
  private announce(call: Call): void {
    for (const accountId of [call.callerId, call.calleeId]) {
      this.live.push(accountId, (pageId) => ({ name: "call", data: this.viewFor(call, accountId, pageId) }));
    }
  }

  private viewFor(call: Call, accountId: number, pageId: string | null): CallView {
    const outgoing = call.callerId === accountId;
    return {
      id: call.id,
      state: call.state,
      direction: outgoing ? "outgoing" : "incoming",
      peer: outgoing ? call.callee : call.caller,
      roomId: outgoing || call.state === "accepted" ? call.roomId : null,
      startedAt: call.startedAt,
      expiresAt: call.expiresAt,
      open: outgoing && call.state === "accepted" && pageId !== null && pageId === call.originPage,
    };
  }

  /** The caller's room for calls to this callee: made once, reused for every later call between them. */
  private roomFor(caller: Account, callee: Account): string {
    const existing = this.stores.calls.roomOf(caller.id, callee.id);
    if (existing) return existing;
    // No name: a stored "Ada & Bob" would keep the callee's name in the caller's room after the
    // callee deleted their account, and show it to anyone who opens the link.
    const room = this.rooms.create(caller, { name: null });
    // Only the two of them are meant to be there: no guests by link.
    this.rooms.setGuestsAllowed(caller, room.id, false);
    this.stores.calls.setRoom(caller.id, callee.id, room.id);
    return room.id;
  }

  /** At most CALLS_PER_MINUTE new calls per caller in any minute. */
  private countStart(callerId: number): void {
    if (!this.starts.take(callerId)) {
      throw new LimitReached("call.rate_limited", `You started ${CALLS_PER_MINUTE} calls in the last minute; wait a little.`, {
        max: CALLS_PER_MINUTE,
      });
    }
  }
}

function personOf(account: Account): CallPerson {
  return { youmeetId: account.youmeetId, name: displayName(account), username: account.username, photoUrl: account.photoUrl };
}

/** Someone else's call looks exactly like one that does not exist. */
function notYours(): NotFound {
  return new NotFound("call.not_found", "There is no such call, or it ended long ago.");
}
