import type { ServerMessage } from "../../src/signal/protocol.ts";

type Of<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

/** A signaling WebSocket as a test drives it: send JSON, wait for messages by type. */
export class SignalClient {
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      this.received.push(JSON.parse(String(event.data)));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) =>
      socket.addEventListener("close", (event) => {
        resolve({ code: event.code, reason: event.reason });
        for (const wake of this.waiters.splice(0)) wake();
      }),
    );
  }

  /** Opens the room socket with these headers (cookie, origin); resolves once open. */
  static connect(url: string, headers: Record<string, string>): Promise<SignalClient> {
    const socket = new WebSocket(url, { headers } as unknown as string[]);
    const client = new SignalClient(socket);
    return new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve(client));
      socket.addEventListener("error", () => reject(new Error(`WebSocket to ${url} failed`)));
    });
  }

  /** Sends a message (an object is JSON-encoded; a string goes as is). */
  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The next message of `type` not yet taken (waits up to `timeoutMs`). */
  async next<T extends ServerMessage["type"]>(type: T, timeoutMs = 10_000, match?: (m: Of<T>) => boolean): Promise<Of<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex((m) => m.type === type && (!match || match(m as Of<T>)));
      if (index >= 0) return this.received.splice(index, 1)[0] as Of<T>;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${type}: ${JSON.stringify(this.received)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends `join` and waits for `welcome`. */
  async join(media = { audio: true, video: true, screen: false }): Promise<Of<"welcome">> {
    this.send({ type: "join", v: 1, media });
    return this.next("welcome");
  }

  /** Sends `ping` and waits for its `pong`: the answers to everything sent before have arrived. */
  async barrier(): Promise<void> {
    this.send({ type: "ping" });
    await this.next("pong");
  }

  /** Closes the socket. */
  close(): void {
    this.socket.close();
  }
}
