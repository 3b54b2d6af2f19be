/**
 * Runs async steps one after another. Offer/answer on one peer connection must never
 * interleave (a createOffer during a setRemoteDescription breaks werift's state machine),
 * and the signaling layer may call us concurrently, so every negotiation step goes through
 * the connection's queue.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `step` after every step queued before it; its result or error is passed through. */
  run<T>(step: () => Promise<T>): Promise<T> {
    const result = this.tail.then(step, step);
    this.tail = result.catch(() => {});
    return result;
  }
}
