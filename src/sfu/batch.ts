/**
 * Datagrams for the same socket within one turn of the event loop leave in one sendmmsg
 * (Bun's sendMany). One forwarded packet per syscall was the largest cost left on the hot
 * path (about 6 us per packet on this kind of machine); the kernel still does its per-packet
 * work, but the crossing is shared. The busier the server, the more packets a turn holds, so
 * batches grow exactly when it matters; an idle server sends each packet within the turn.
 *
 * Bytes are written into one slab, shared by every socket and reused after each flush: no
 * allocation per packet beyond the views the call needs.
 */

/** Bun's native UDP socket under node:dgram: synchronous sends that copy the bytes. */
export interface NativeUdp {
  send(data: Uint8Array, port: number, address: string): boolean;
  sendMany(packets: readonly (Uint8Array | number | string)[]): number;
}

/** Room for one turn's packets; when it runs out, what is queued goes out at once. */
const SLAB_BYTES = 1 << 20;

/** The packets queued for one socket, as sendMany wants them: data, port, address, ... */
export class Queue {
  readonly list: (Uint8Array | number | string)[] = [];
  queued = false;

  constructor(readonly socket: NativeUdp) {}
}

const slab = Buffer.alloc(SLAB_BYTES);
let slabUsed = 0;
const waiting: Queue[] = [];
let flushScheduled = false;
const queues = new WeakMap<NativeUdp, Queue>();

/** Counters for tests and benches: datagrams sent and sendMany calls made. */
export const batchStats = { packets: 0, calls: 0, failed: 0 };

/** Sends everything queued, one call per socket. */
export function flushBatches(): void {
  flushScheduled = false;
  for (let i = 0; i < waiting.length; i++) {
    const queue = waiting[i]!;
    const count = queue.list.length / 3;
    try {
      const sent = queue.socket.sendMany(queue.list);
      batchStats.packets += sent;
      batchStats.failed += count - sent;
    } catch {
      // The socket closed under us (a peer leaving): its packets have nowhere to go.
      batchStats.failed += count;
    }
    batchStats.calls++;
    queue.list.length = 0;
    queue.queued = false;
  }
  waiting.length = 0;
  slabUsed = 0;
}

/**
 * Space for one datagram of at most `bytes`, to fill and then hand to `enqueue`. It stays
 * valid until the next flush, which no caller can see: flushes run between turns, or here.
 */
export function reserve(bytes: number): Buffer {
  if (bytes > SLAB_BYTES) return Buffer.alloc(bytes);
  if (slabUsed + bytes > SLAB_BYTES) flushBatches();
  return slab.subarray(slabUsed, slabUsed + bytes);
}

/** The one queue of a socket (callers keep it: no lookup per packet). */
export function queueFor(socket: NativeUdp): Queue {
  let queue = queues.get(socket);
  if (queue === undefined) {
    queue = new Queue(socket);
    queues.set(socket, queue);
  }
  return queue;
}

/** Queues the first `length` bytes of a reserved buffer on `queue`, to `address`:`port`. */
export function enqueue(queue: Queue, data: Buffer, length: number, port: number, address: string): void {
  if (data.buffer === slab.buffer) slabUsed += length;
  queue.list.push(data.subarray(0, length), port, address);
  if (!queue.queued) {
    queue.queued = true;
    waiting.push(queue);
  }
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushBatches);
  }
}
