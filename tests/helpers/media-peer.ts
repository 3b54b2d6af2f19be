/**
 * Synthetic werift media driven over the real signaling socket, as the meeting page does it:
 * the publisher offers with `publish-offer`, the subscriber answers each `subscribe-offer`.
 */

import type { ServerMessage } from "../../src/signal/protocol.ts";
import { SyntheticPublisher, SyntheticSubscriber, type SyntheticTrack } from "../sfu/helpers/peers.ts";
import type { SignalClient } from "./signal-client.ts";

type SubscribeOffer = Extract<ServerMessage, { type: "subscribe-offer" }>;

/** Microphone and camera, the tracks a participant usually publishes. */
export const MIC_AND_CAMERA: SyntheticTrack[] = [
  { kind: "audio", source: "microphone" },
  { kind: "video", source: "camera" },
];

/** Publishes `tracks` from a synthetic peer through `client`; resolves once the answer is applied. */
export async function publishOver(client: SignalClient, tracks: SyntheticTrack[] = MIC_AND_CAMERA): Promise<SyntheticPublisher> {
  const publisher = new SyntheticPublisher(tracks);
  const { sdp, sources } = await publisher.offer();
  client.send({ type: "publish-offer", sdp, sources });
  await publisher.accept((await client.next("publish-answer")).sdp);
  return publisher;
}

/** Answers the next `subscribe-offer` (that `match` accepts) with `subscriber`; returns the offer. */
export async function answerNextOffer(
  client: SignalClient,
  subscriber: SyntheticSubscriber,
  match?: (offer: SubscribeOffer) => boolean,
): Promise<SubscribeOffer> {
  const offer = await client.next("subscribe-offer", 10_000, match);
  client.send({ type: "subscribe-answer", sdp: await subscriber.answer(offer.sdp) });
  return offer;
}

/** The mid that carries `peerId`'s `source` in an offer (throws when absent). */
export function midIn(offer: SubscribeOffer, peerId: string, source: string): string {
  const track = offer.tracks.find((t) => t.peerId === peerId && t.source === source);
  if (!track) throw new Error(`no ${source} of ${peerId} in ${JSON.stringify(offer.tracks)}`);
  return track.mid;
}

export { SyntheticPublisher, SyntheticSubscriber };
