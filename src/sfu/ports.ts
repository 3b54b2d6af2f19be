/**
 * Port accounting. werift's icePortRange scans its range linearly and, when nothing is
 * free, silently drops the candidate (notes, trap 9). So we never hand werift the whole
 * range: each peer connection leases its own small block, sized to the number of sockets
 * werift will open for it, and running out is an explicit, loud failure at join time.
 */

import { networkInterfaces } from "node:os";

/** A leased block of ports, inclusive. */
export type PortBlock = [number, number];

/** Hands out disjoint port blocks of one size from a fixed range. */
export class PortPool {
  private readonly free: number[] = [];
  private readonly used = new Set<number>();
  readonly blockSize: number;
  readonly capacity: number;

  /** Splits [min, max] into blocks of `blockSize` ports (werift needs min < max: >= 2). */
  constructor(
    readonly min: number,
    readonly max: number,
    blockSize: number,
  ) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min >= max) {
      throw new Error(`invalid port range ${min}-${max}`);
    }
    this.blockSize = Math.max(2, blockSize);
    this.capacity = Math.floor((max - min + 1) / this.blockSize);
    // Lowest blocks first, so a small deployment keeps to the start of its range.
    for (let i = this.capacity - 1; i >= 0; i--) this.free.push(i);
  }

  /** Leases a block, or returns null when the range is used up. */
  lease(): PortBlock | null {
    const index = this.free.pop();
    if (index === undefined) return null;
    this.used.add(index);
    const start = this.min + index * this.blockSize;
    return [start, start + this.blockSize - 1];
  }

  /** Gives a block back; unknown or already released blocks are ignored. */
  release(block: PortBlock): void {
    const index = (block[0] - this.min) / this.blockSize;
    if (!this.used.delete(index)) return;
    this.free.push(index);
  }

  /** Number of blocks currently leased. */
  get inUse(): number {
    return this.used.size;
  }
}

/** Interfaces werift never gathers on (it follows Chromium's list). */
const SKIPPED_NICS = ["ipsec", "tun", "utun", "tap", "vmnet", "veth"];

/**
 * How many UDP sockets werift opens for one bundled peer connection: one per IPv4 host
 * address it gathers (every non-internal, non-link-local interface address, plus the
 * additional ones). Mirrors werift's own address selection so a block is never too small.
 */
export function socketsPerConnection(additionalHostAddresses: readonly string[] = []): number {
  const addresses = new Set<string>(additionalHostAddresses);
  for (const [nic, infos] of Object.entries(networkInterfaces())) {
    if (SKIPPED_NICS.some((prefix) => nic.startsWith(prefix))) continue;
    for (const info of infos ?? []) {
      if (info.internal || info.family !== "IPv4" || info.address.startsWith("169.254.")) continue;
      addresses.add(info.address);
    }
  }
  return Math.max(1, addresses.size);
}
