/** One server-sent event as a page receives it. */
export interface LiveEventFrame {
  name: string;
  data: any;
}

/**
 * A page's live event stream read with fetch over a real connection: every frame is kept in
 * order; `next` waits for the next one matching (failing after `timeoutMs`, never silently).
 */
export class EventStream {
  readonly frames: LiveEventFrame[] = [];
  private cursor = 0;
  private waiters: Array<() => void> = [];
  private readonly abort = new AbortController();
  /** True once the server ended the stream (or close() was called). */
  ended = false;
  private constructor() {}

  /** Opens GET /events at `base` with a session cookie and waits for its `ready` event. */
  static async open(base: string, cookie: string): Promise<EventStream & { pageId: string }> {
    const stream = new EventStream();
    const response = await fetch(`${base}/events`, { headers: { cookie, accept: "text/event-stream" }, signal: stream.abort.signal });
    if (response.status !== 200) throw new Error(`events refused: ${response.status} ${await response.text()}`);
    void stream.read(response.body!);
    const ready = await stream.next("ready");
    return Object.assign(stream, { pageId: ready.data.page as string });
  }

  /** The next frame named `name` (and matching `where`), skipping others. */
  async next(name: string, where: (data: any) => boolean = () => true, timeoutMs = 5000): Promise<LiveEventFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.frames.length) {
        const frame = this.frames[this.cursor++]!;
        if (frame.name === name && where(frame.data)) return frame;
      }
      if (this.ended) throw new Error(`the stream ended before a "${name}" event; got ${JSON.stringify(this.frames.map((f) => f.name))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${name}" event within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.name))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames received after the ones already consumed. */
  get unread(): LiveEventFrame[] {
    return this.frames.slice(this.cursor);
  }

  /** Closes the connection (the page went away). */
  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    const reader = body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = block.match(/^event: (.*)$/m)?.[1];
          const data = block.match(/^data: (.*)$/m)?.[1];
          if (name && data !== undefined) this.frames.push({ name, data: JSON.parse(data) });
        }
        for (const wake of this.waiters.splice(0)) wake();
      }
    } catch {
      // Aborted by close().
    }
    this.ended = true;
    for (const wake of this.waiters.splice(0)) wake();
  }
}
