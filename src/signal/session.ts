import { DomainError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import { SfuError } from "../sfu/index.ts";
import type { Connection, Identity, Participant } from "./call.ts";
import type { SignalHub } from "./hub.ts";
import { checkClientMessage, CloseCode, isProblem, PROTOCOL_VERSION, type ClientMessage, type ProtocolProblem, type ServerMessage } from "./protocol.ts";
import { SignalRefusal } from "./refusal.ts";

/** Messages per second a socket may send on average, and the burst it may save up. */
const RATE_PER_SECOND = 50;
const RATE_BURST = 100;
/** Messages dropped for rate before the socket is closed as a flood. */
const FLOOD_LIMIT = 500;

/**
 * One socket's conversation: waits for `join`, then hands each validated message to the
 * hub in order (SDP and ICE must not overtake each other). Every refusal is an `error`
 * message; nothing a client sends can throw out of here.
 */
export class SignalSession {
  private participant: Participant | null = null;
  private closed = false;
  private queue: Promise<void> = Promise.resolve();
  private tokens = RATE_BURST;
  private refilledAt = performance.now();
  private dropped = 0;
  private lastRateError = 0;

  constructor(
    private readonly hub: SignalHub,
    private readonly roomId: string,
    private readonly identity: Identity,
    private readonly connection: Connection,
    private readonly logger: Logger,
  ) {}

  /**
   * A message arrived: the value the WebSocket layer decoded from a JSON text frame. A string
   * is never decoded again (that would take JSON text quoted inside JSON); bytes are refused.
   */
  receive(message: unknown): void {
    if (this.closed) return;
    if (!this.takeToken()) return;
    const checked = ArrayBuffer.isView(message) || message instanceof ArrayBuffer ? BINARY_FRAME : checkClientMessage(message);
    if (isProblem(checked)) {
      this.connection.send({ type: "error", code: checked.code, message: checked.message });
      return;
    }
    this.queue = this.queue.then(() => this.process(checked));
  }

  /** The socket closed: leave the call if we were in it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.participant) this.hub.leave(this.participant, "disconnected");
  }

  private async process(message: ClientMessage): Promise<void> {
    if (this.closed) return;
    // After "leave" the socket is back where it started: ping, or join again.
    if (this.participant?.gone) this.participant = null;
    try {
      if (!this.participant) {
        if (message.type === "ping") return this.connection.send({ type: "pong" });
        if (message.type !== "join") {
          throw new SignalRefusal("signal.out_of_order", `Send "join" first; "${message.type}" needs a joined call.`);
        }
        if (message.v !== PROTOCOL_VERSION) {
          throw new SignalRefusal("protocol.version", `This server speaks protocol version ${PROTOCOL_VERSION}; reload the page.`);
        }
        try {
          this.participant = this.hub.join(this.roomId, this.identity, this.connection, message.media);
        } catch (error) {
          if (error instanceof SignalRefusal || error instanceof DomainError) {
            this.connection.send(refusalMessage(error));
            this.closed = true;
            this.connection.close(CloseCode.refused, error.code);
            return;
          }
          throw error;
        }
        return;
      }
      await this.hub.handle(this.participant, message);
    } catch (error) {
      if (error instanceof SignalRefusal || error instanceof DomainError) {
        this.connection.send(refusalMessage(error));
      } else if (error instanceof SfuError) {
        this.logger.warn("media_negotiation_failed", { room_id: this.roomId, code: error.code, message_type: message.type });
        this.connection.send({ type: "error", ...(SFU_REFUSALS[error.code] ?? MEDIA_FAILED) });
      } else {
        this.logger.error("signal_message_failed", { room_id: this.roomId, message_type: message.type, error: error as Error });
        this.connection.send({ type: "error", code: "media.failed", message: "The server could not handle that message." });
      }
    }
  }

  /** Token bucket; refusing floods with an error at most once a second, then closing. */
  private takeToken(): boolean {
    const now = performance.now();
    this.tokens = Math.min(RATE_BURST, this.tokens + ((now - this.refilledAt) / 1000) * RATE_PER_SECOND);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.dropped++;
    if (this.dropped > FLOOD_LIMIT) {
      this.connection.close(CloseCode.rateLimited, "too many messages");
      this.close();
    } else if (now - this.lastRateError > 1000) {
      this.lastRateError = now;
      this.connection.send({ type: "error", code: "protocol.rate_limited", message: "Too many messages; slow down." });
    }
    return false;
  }
}

const BINARY_FRAME: ProtocolProblem = { code: "protocol.not_json", message: "Messages must be JSON objects sent as text, not binary frames." };

const MEDIA_FAILED = { code: "media.failed", message: "The media connection could not be set up; try rejoining." };

/** SFU refusals the browser can act on, by the SFU's code; anything else is MEDIA_FAILED. */
const SFU_REFUSALS: Record<string, { code: string; message: string }> = {
  "sfu.bad_offer": { code: "sfu.bad_offer", message: "The server could not use this browser's media offer." },
  "sfu.bad_answer": { code: "sfu.bad_answer", message: "The server could not use this browser's media answer; a fresh offer follows." },
  "sfu.bad_candidate": { code: "sfu.bad_candidate", message: "The server could not use that ICE candidate." },
  "sfu.unexpected_answer": { code: "signal.out_of_order", message: "No media offer is waiting for an answer." },
};

/** The error message for a refusal, with the values of its sentence when it has any. */
function refusalMessage(error: SignalRefusal | DomainError): ServerMessage {
  const vars = error instanceof DomainError && Object.keys(error.vars).length > 0 ? { vars: error.vars } : {};
  return { type: "error", code: error.code, message: error.message, ...vars };
}
