import { randomBytes } from "node:crypto";
import type { Logger } from "../log/logger.ts";
import type { BanService } from "../moderation/bans.ts";
import { MINUTES_WARNING_MS } from "../plans/limits.ts";
import type { PlanService } from "../plans/service.ts";
import type { PlanRecord } from "../store/plans.ts";
import type { LiveCalls } from "../rooms/service.ts";
import { SfuError, type Sfu, type SfuEvent, type TrackSource } from "../sfu/index.ts";
import { broadcast, identityKey, viewOf, type Call, type Connection, type Identity, type Participant } from "./call.ts";
import { CallMeter } from "./meter.ts";
import type { CallEndReason, ClientMessage, IceServerView, MediaStateValue } from "./protocol.ts";
import { CloseCode } from "./protocol.ts";
import { SignalRefusal } from "./refusal.ts";
import { mislabelledTrack, sendsScreen } from "./sending.ts";

/** What the hub needs to know about a room to admit people to its call. */
export interface RoomInfo {
  id: string;
  name: string | null;
  ownerId: number;
  allowGuests: boolean;
}

/** Options of the hub: where rooms come from, limits, and ICE servers per participant. */
export interface HubOptions {
  sfu: Sfu;
  logger: Logger;
  findRoom(roomId: string): RoomInfo | null;
  /** The room owner's plan sets the size of a call, screen sharing and the call minutes. */
  plans: PlanService;
  /** Banned or deleted accounts are refused and taken out of calls. */
  bans: BanService;
  /** ICE servers handed to a participant's browser (e.g. TURN with short-lived credentials). */
  iceServersFor(peerId: string): IceServerView[];
  now?: () => number;
}

/** How often `tick` should run: it counts minutes and notices bans and deletions made by `youmeet admin`. */
export const HUB_TICK_MS = 5_000;

type OwnerCommand = Extract<ClientMessage, { type: "mute" | "remove" | "lock" | "end" }>;

/**
 * The calls in progress: admits participants, relays signaling between them and the SFU,
 * applies the owner's controls, and relays chat (never stored, never logged).
 */
export class SignalHub implements LiveCalls {
  private readonly calls = new Map<string, Call>();
  private readonly byPeer = new Map<string, { call: Call; participant: Participant }>();
  private readonly logger: Logger;
  private readonly meter: CallMeter;

  constructor(private readonly options: HubOptions) {
    this.logger = options.logger.child({ module: "signal" });
    this.meter = new CallMeter(options.plans, options.now ?? Date.now);
  }

  /** Admits `identity` to the room's call (starting it), or throws SignalRefusal. */
  join(roomId: string, identity: Identity, connection: Connection, media: MediaStateValue): Participant {
    const room = this.options.findRoom(roomId);
    if (!room) throw new SignalRefusal("room.not_found", "This room does not exist, or its owner deleted it.");
    const isOwner = identity.kind === "account" && identity.accountId === room.ownerId;
    if (identity.kind === "guest" && !room.allowGuests) {
      throw new SignalRefusal("room.guests_not_allowed", "This room admits only people who are logged in.");
    }
    const call = this.calls.get(roomId) ?? this.newCall(room);
    const key = identityKey(identity);
    if (call.locked && !isOwner) {
      if (call.removed.has(key)) throw new SignalRefusal("room.removed", "The owner removed you from this call.");
      if (!call.admitted.has(key)) throw new SignalRefusal("room.locked", "The owner locked this room; nobody new can join now.");
    }
    if (identity.kind === "account" && this.options.bans.standing(identity.accountId) !== "active") {
      throw new SignalRefusal("account.banned", "The operator of this server banned your account, so you cannot join calls.");
    }
    if (this.options.bans.standing(room.ownerId) === "banned") {
      throw new SignalRefusal("room.owner_banned", "The operator banned this room's owner, so no call can take place in it.");
    }
    // One participation per person: a reconnect after a silent network drop (the server has
    // not noticed the old socket die yet) or a second tab takes the place of the old one.
    const previous = [...call.participants.values()].find((p) => p.key === key && !p.gone);
    if (previous) {
      this.leave(previous, "disconnected");
      previous.connection.close(CloseCode.replaced, "joined again elsewhere");
    }
    const plan = this.options.plans.planOf(room.ownerId);
    if (!plan) throw new SignalRefusal("room.not_found", "This room does not exist, or its owner deleted it.");
    this.options.plans.checkCallSize(plan, call.participants.size);
    if (call.participants.size === 1 && this.minutesLeftMs(room.ownerId, plan) <= 0) {
      throw this.options.plans.minutesUsedUp(plan, this.now(), false);
    }
    const participant: Participant = {
      peerId: `p${randomBytes(9).toString("base64url")}`,
      identity,
      key,
      role: isOwner ? "owner" : identity.kind === "guest" ? "guest" : "member",
      connection,
      media,
      mutedByOwner: false,
      gone: false,
    };
    try {
      this.options.sfu.addPeer(roomId, participant.peerId);
    } catch (error) {
      if (call.participants.size === 0) this.calls.delete(roomId);
      if (error instanceof SfuError && error.code === "sfu.ports_exhausted") {
        throw new SignalRefusal(
          "sfu.ports_exhausted",
          "The server has no media ports left for another participant; the operator must widen --rtc-ports.",
        );
      }
      throw error;
    }
    this.calls.set(roomId, call);
    call.participants.set(participant.peerId, participant);
    call.admitted.add(key);
    call.removed.delete(key);
    this.byPeer.set(participant.peerId, { call, participant });
    this.meter.sizeChanged(call);
    const others = [...call.participants.values()].filter((p) => p !== participant && !p.gone).map(viewOf);
    connection.send({
      type: "welcome",
      v: 1,
      you: viewOf(participant),
      room: { id: room.id, name: room.name, locked: call.locked, screenShare: plan.screenShare },
      participants: others,
      iceServers: this.options.iceServersFor(participant.peerId),
    });
    if (call.activeSpeaker) connection.send({ type: "active-speaker", peerId: call.activeSpeaker });
    broadcast(call, { type: "participant-joined", participant: viewOf(participant) }, participant.peerId);
    this.logger.info("participant_joined", { room_id: roomId, peer_id: participant.peerId, role: participant.role, size: call.participants.size });
    return participant;
  }

  /** Handles one validated message from a joined participant. */
  async handle(participant: Participant, message: ClientMessage): Promise<void> {
    const entry = this.byPeer.get(participant.peerId);
    if (!entry || participant.gone) return;
    const { call } = entry;
    const sfu = this.options.sfu;
    switch (message.type) {
      case "publish-offer": {
        // Mids come from the client's SDP: "constructor" must not find Object.prototype's.
        const sources = Object.assign(Object.create(null) as Record<string, TrackSource>, message.sources);
        const mislabelled = mislabelledTrack(message.sdp, sources);
        if (mislabelled) {
          throw new SignalRefusal(
            "signal.bad_sources",
            `Track ${mislabelled.mid} is ${mislabelled.kind} but was declared as ${mislabelled.source}; send each track with its own source.`,
          );
        }
        if (sendsScreen(message.sdp, sources)) this.checkScreenShare(call);
        const sdp = await sfu.publisherOffer(participant.peerId, message.sdp, sources);
        if (!participant.gone) participant.connection.send({ type: "publish-answer", sdp });
        return;
      }
      case "subscribe-answer":
        await sfu.subscriberAnswer(participant.peerId, message.sdp);
        return;
      case "ice":
        await sfu.addIceCandidate(participant.peerId, message.pc, message.candidate);
        return;
      case "restart-ice":
        sfu.restartSubscriberIce(participant.peerId);
        return;
      case "media-state":
        if (message.media.screen) this.checkScreenShare(call);
        participant.media = message.media;
        if (participant.mutedByOwner && message.media.audio) {
          // Unmuting yourself after the owner muted you is allowed, as in other meeting tools.
          participant.mutedByOwner = false;
          sfu.setForwarding(participant.peerId, "microphone", true);
        }
        broadcast(call, { type: "participant-updated", participant: viewOf(participant) });
        return;
      case "chat":
        broadcast(call, {
          type: "chat",
          from: participant.peerId,
          name: participant.identity.name,
          text: message.text,
          at: new Date().toISOString(),
        });
        return;
      case "mute":
      case "remove":
      case "lock":
      case "end":
        return this.ownerCommand(call, participant, message);
      case "leave":
        this.leave(participant, "left");
        return;
      case "ping":
        participant.connection.send({ type: "pong" });
        return;
      case "join":
        throw new SignalRefusal("signal.out_of_order", "You have already joined this call.");
    }
  }

  private ownerCommand(call: Call, owner: Participant, message: OwnerCommand): void {
    if (owner.role !== "owner") throw new SignalRefusal("signal.forbidden", "Only the room's owner can do this.");
    if (message.type === "lock") {
      call.locked = message.locked;
      broadcast(call, { type: "room-locked", locked: call.locked });
      this.logger.info("room_lock_changed", { room_id: call.roomId, locked: call.locked });
      return;
    }
    if (message.type === "end") {
      this.endCallFor(call, "ended-by-owner", "The owner ended the call for everyone.");
      return;
    }
    const target = call.participants.get(message.peerId);
    if (!target || target.gone) throw new SignalRefusal("signal.no_participant", "That person is no longer in the call.");
    if (target === owner) throw new SignalRefusal("signal.forbidden", "Use your own controls for yourself.");
    if (message.type === "mute") {
      target.mutedByOwner = true;
      target.media = { ...target.media, audio: false };
      this.options.sfu.setForwarding(target.peerId, "microphone", false);
      target.connection.send({ type: "muted-by-owner", source: "microphone" });
      broadcast(call, { type: "participant-updated", participant: viewOf(target) });
      return;
    }
    call.removed.add(target.key);
    call.admitted.delete(target.key);
    target.connection.send({ type: "removed", message: "The owner removed you from this call." });
    this.leave(target, "removed");
    target.connection.close(CloseCode.removed, "removed");
  }

  /** Takes a participant out of the call; the last one out ends it. */
  leave(participant: Participant, reason: "left" | "removed" | "disconnected"): void {
    if (participant.gone) return;
    participant.gone = true;
    const entry = this.byPeer.get(participant.peerId);
    this.byPeer.delete(participant.peerId);
    void this.options.sfu.removePeer(participant.peerId).catch((error) => this.logger.error("sfu_remove_failed", { error }));
    if (!entry) return;
    const { call } = entry;
    call.participants.delete(participant.peerId);
    this.meter.sizeChanged(call);
    broadcast(call, { type: "participant-left", peerId: participant.peerId, reason });
    this.logger.info("participant_left", { room_id: call.roomId, peer_id: participant.peerId, reason, size: call.participants.size });
    if (call.participants.size === 0) this.calls.delete(call.roomId);
  }

  /**
   * Runs every HUB_TICK_MS: counts call minutes (warning everyone shortly before the owner's
   * run out, ending the call when they have), and ends what bans and deletions made by
   * `youmeet admin` in another process left behind: calls of deleted rooms or banned owners,
   * and banned or deleted participants. A few primary-key reads per call, every few seconds.
   */
  tick(): void {
    for (const call of [...this.calls.values()]) {
      if (!this.options.findRoom(call.roomId)) {
        this.endCallFor(call, "room-deleted", "The room was deleted, so the call ended.");
        continue;
      }
      if (this.options.bans.standing(call.ownerAccountId) === "banned") {
        this.endCallFor(call, "banned", "The operator banned the room owner's account, so the call ended.");
        continue;
      }
      for (const participant of [...call.participants.values()]) {
        if (participant.identity.kind !== "account") continue;
        const standing = this.options.bans.standing(participant.identity.accountId);
        if (standing === "banned") this.eject(participant, "banned", "The operator banned your account, so you left the call.");
        if (standing === "deleted") this.eject(participant, "account-deleted", "Your account was deleted, so you left the call.");
      }
      this.meter.accrue(call);
    }
    this.meter.flushIfDue();
    for (const call of [...this.calls.values()]) {
      if (call.countingSince !== null) this.checkMinutes(call);
    }
  }

  /** Warns a counting call when its owner's minutes are about to run out, and ends it when they have. */
  private checkMinutes(call: Call): void {
    const plan = this.options.plans.planOf(call.ownerAccountId);
    if (!plan || plan.monthlyMinutes === null) return;
    const left = this.minutesLeftMs(call.ownerAccountId, plan);
    if (left <= 0) {
      this.meter.flush(call.ownerAccountId);
      this.endCallFor(call, "out-of-minutes", this.options.plans.minutesUsedUp(plan, this.now(), true).message);
      return;
    }
    if (left > MINUTES_WARNING_MS) {
      call.minutesWarned = false;
      return;
    }
    if (call.minutesWarned) return;
    call.minutesWarned = true;
    const minutesLeft = Math.max(1, Math.ceil(left / 60_000));
    broadcast(call, {
      type: "limit-warning",
      code: "plan.minutes_low",
      minutesLeft,
      message: this.options.plans.minutesWarning(plan, minutesLeft),
      vars: { minutes: minutesLeft, plan: plan.name },
    });
    this.logger.info("call_minutes_low", { room_id: call.roomId, minutes_left: minutesLeft });
  }

  private minutesLeftMs(ownerId: number, plan: PlanRecord): number {
    return plan.monthlyMinutes === null ? Infinity : plan.monthlyMinutes * 60_000 - this.meter.usedMs(ownerId);
  }

  private checkScreenShare(call: Call): void {
    const plan = this.options.plans.planOf(call.ownerAccountId);
    if (!plan) throw new SignalRefusal("room.not_found", "This room does not exist, or its owner deleted it.");
    this.options.plans.checkScreenShare(plan);
  }

  /** Takes one participant out of a call for a reason of their account, telling them why. */
  private eject(participant: Participant, reason: CallEndReason, message: string): void {
    participant.connection.send({ type: "call-ended", reason, message });
    this.leave(participant, "removed");
    participant.connection.close(CloseCode.ended, reason);
    this.logger.info("participant_ejected", { peer_id: participant.peerId, reason });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Routes an SFU event to the participant(s) it concerns. */
  onSfuEvent(event: SfuEvent): void {
    if (event.type === "active-speaker") {
      const call = this.calls.get(event.roomId);
      if (!call) return;
      call.activeSpeaker = event.peerId;
      broadcast(call, { type: "active-speaker", peerId: event.peerId });
      return;
    }
    const entry = this.byPeer.get(event.peerId);
    if (!entry || entry.participant.gone) return;
    const { participant } = entry;
    switch (event.type) {
      case "subscriber-offer":
        participant.connection.send({
          type: "subscribe-offer",
          sdp: event.sdp,
          tracks: event.tracks.map((t) => ({ mid: t.mid, peerId: t.publisherPeerId, kind: t.kind, source: t.source })),
        });
        return;
      case "ice-candidate":
        participant.connection.send({ type: "ice", pc: event.pc, candidate: event.candidate });
        return;
      case "ports-exhausted":
        participant.connection.send({
          type: "media-warning",
          code: "sfu.ports_exhausted",
          message: "The server has no media ports left; the operator must widen --rtc-ports.",
        });
        return;
      case "connection-state":
        if (event.state === "failed") {
          this.logger.warn("media_connection_failed", { room_id: event.roomId, peer_id: event.peerId, pc: event.pc });
        }
        return;
      case "error":
        this.logger.warn("sfu_peer_error", { room_id: event.roomId, peer_id: event.peerId, code: event.code });
        return;
      default:
        return;
    }
  }

  /** Names of the people in a room's call now. */
  participantsOf(roomId: string): string[] {
    const call = this.calls.get(roomId);
    return call ? [...call.participants.values()].map((p) => p.identity.name) : [];
  }

  /** Ends a room's call (the room was deleted). */
  endCall(roomId: string, reason: "room-deleted"): void {
    const call = this.calls.get(roomId);
    if (call) this.endCallFor(call, reason, "The owner deleted this room, so the call ended.");
  }

  /** Takes an account out of every call it is in (the account was deleted); the calls go on for the others. */
  dropAccount(accountId: number, message: string): void {
    for (const { participant } of [...this.byPeer.values()]) {
      if (participant.identity.kind !== "account" || participant.identity.accountId !== accountId) continue;
      participant.connection.send({ type: "error", code: "account.deleted", message });
      this.leave(participant, "left");
      participant.connection.close(CloseCode.ended, "account deleted");
    }
  }

  /** Ends every call (server shutdown). */
  async closeAll(): Promise<void> {
    for (const call of [...this.calls.values()]) this.endCallFor(call, "ended-by-owner", "The server is restarting; join again in a moment.");
    await this.options.sfu.close();
  }

  /** Figures for metrics. */
  stats(): { calls: number; participants: number } {
    return { calls: this.calls.size, participants: this.byPeer.size };
  }

  private newCall(room: RoomInfo): Call {
    return {
      roomId: room.id,
      roomName: room.name,
      ownerAccountId: room.ownerId,
      locked: false,
      participants: new Map(),
      admitted: new Set(),
      removed: new Set(),
      countingSince: null,
      minutesWarned: false,
      activeSpeaker: null,
    };
  }

  private endCallFor(call: Call, reason: CallEndReason, message: string): void {
    const everyone = [...call.participants.values()];
    for (const participant of everyone) participant.connection.send({ type: "call-ended", reason, message });
    for (const participant of everyone) {
      this.leave(participant, "left");
      participant.connection.close(CloseCode.ended, "call ended");
    }
    this.calls.delete(call.roomId);
    this.logger.info("call_ended", { room_id: call.roomId, reason });
  }
}
