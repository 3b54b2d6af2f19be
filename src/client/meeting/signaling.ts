/**
 * The room WebSocket: typed messages of protocol v1, keep-alive pings, and reconnection with
 * exponential backoff when the connection drops for any reason other than the server
 * ending our part (removed, call ended, refused, replaced).
 */

import type { ClientMessage, ServerMessage } from "../../signal/protocol.ts";

export type { ClientMessage, ServerMessage };

/** Close codes after which reconnecting would be wrong (see CloseCode in the protocol). */
const FINAL_CODES = new Set([4001, 4002, 4003, 4004]);
const PING_EVERY_MS = 10_000;
/** No message at all for this long means the connection is dead even if TCP has not noticed. */
const SILENCE_LIMIT_MS = 25_000;
const BACKOFF_FIRST_MS = 400;
const BACKOFF_MAX_MS = 10_000;
/** Attempts before giving up when no connection has ever opened (a refused upgrade). */
const FIRST_CONNECT_ATTEMPTS = 3;

/** What the signaling connection tells the call. */
export interface SignalingHooks {
  /** A fresh URL for the next attempt (guests need a fresh token). Throwing ends the attempt. */
  url(): Promise<string>;
  /** The socket is open: send `join`. `again` is true after a drop. */
  opened(again: boolean): void;
  /** A message from the server. */
  message(message: ServerMessage): void;
  /** The connection dropped and will be retried. */
  lost(): void;
  /** The connection is over for good: a final close code, or it never opened. */
  ended(code: number, everOpened: boolean): void;
}

/** One room WebSocket that reconnects by itself until stopped. */
export class Signaling {
  private socket: WebSocket | null = null;
  private attempts = 0;
  private everOpened = false;
  private stopped = false;
  private retryTimer = 0;
  private pingTimer = 0;
  private lastHeard = 0;

  /** Creates the connection; nothing happens until connect(). */
  constructor(private readonly hooks: SignalingHooks) {}

  /** True while the socket is open. */
  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Opens the socket (the first time, or again after a drop). */
  async connect(): Promise<void> {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    let url: string;
    try {
      url = await this.hooks.url();
    } catch {
      this.failedAttempt(0);
      return;
    }
    if (this.stopped) return;
    const socket = new WebSocket(url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      const again = this.everOpened;
      this.everOpened = true;
      this.attempts = 0;
      this.lastHeard = Date.now();
      this.startPings();
      this.hooks.opened(again);
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.lastHeard = Date.now();
      if (typeof event.data !== "string") return;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return;
      }
      if (message && typeof message.type === "string") this.hooks.message(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopPings();
      if (this.stopped) return;
      if (FINAL_CODES.has(event.code)) {
        this.stopped = true;
        this.hooks.ended(event.code, this.everOpened);
        return;
      }
      this.failedAttempt(opened ? -1 : event.code);
    };
  }

  /** Sends a message if the socket is open; otherwise it is dropped (a rejoin resyncs). */
  send(message: ClientMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Drops the current socket and reconnects at once (a full rejoin). */
  reconnectNow(): void {
    if (this.stopped) return;
    const socket = this.socket;
    this.socket = null;
    this.stopPings();
    socket?.close(1000, "rejoin");
    this.hooks.lost();
    this.attempts = 0;
    void this.connect();
  }

  /** Closes for good (after `leave`, on page hide, or when the call is over). */
  stop(code = 1000): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopPings();
    const socket = this.socket;
    this.socket = null;
    socket?.close(code);
  }

  private failedAttempt(code: number): void {
    this.attempts++;
    if (!this.everOpened && this.attempts >= FIRST_CONNECT_ATTEMPTS) {
      this.stopped = true;
      this.hooks.ended(code, false);
      return;
    }
    if (this.everOpened) this.hooks.lost();
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (this.attempts - 1));
    // Jitter keeps a room's participants from reconnecting in lockstep after a server blip.
    this.retryTimer = window.setTimeout(() => void this.connect(), delay * (0.75 + Math.random() * 0.5));
  }

  private startPings(): void {
    this.stopPings();
    this.pingTimer = window.setInterval(() => {
      if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
        this.reconnectNow();
        return;
      }
      this.send({ type: "ping" });
    }, PING_EVERY_MS);
  }

  private stopPings(): void {
    clearInterval(this.pingTimer);
  }
}
