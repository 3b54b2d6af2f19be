/** A join or command the hub refuses: a stable code and a sentence for the person. */
export class SignalRefusal extends Error {
  /** `code` like "room.locked"; `message` is shown to the person as is. */
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SignalRefusal";
  }
}
