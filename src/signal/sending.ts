/**
 * What an offer sends, read from its SDP: which m-lines actually send, and whether the
 * sources the browser declares fit them. Which of an offer's m-lines actually send matters
 * because the browser keeps an m-line once it was used
 * (a stopped screen share turns `inactive`), so the sources map alone would refuse every
 * later offer of someone whose screen share was refused once.
 */

/** The mids of the offer's m-sections that send media (sendonly or sendrecv, port not 0). */
export function sendingMids(sdp: string): Set<string> {
  const sending = new Set<string>();
  for (const section of sdp.split(/\r?\n(?=m=)/).slice(1)) {
    const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
    if (!mid || /^m=\S+ 0 /.test(section)) continue;
    const direction = /^a=(sendrecv|sendonly|recvonly|inactive)\b/m.exec(section)?.[1] ?? "sendrecv";
    if (direction === "sendonly" || direction === "sendrecv") sending.add(mid);
  }
  return sending;
}

/** True when the offer sends a screen share (video or its audio). */
export function sendsScreen(sdp: string, sources: Readonly<Record<string, string>>): boolean {
  const sending = sendingMids(sdp);
  return Object.entries(sources).some(([mid, source]) => (source === "screen" || source === "screen-audio") && sending.has(mid));
}

const KIND_OF_SOURCE: Readonly<Record<string, "audio" | "video">> = {
  microphone: "audio",
  "screen-audio": "audio",
  camera: "video",
  screen: "video",
};

/**
 * The first m-line whose declared source does not fit its kind (an audio track called "camera"),
 * or null. Sources come from the browser; without this check a microphone labelled as something
 * else would slip past the owner's mute, which stops "microphone" tracks.
 */
export function mislabelledTrack(sdp: string, sources: Readonly<Record<string, string>>): { mid: string; kind: string; source: string } | null {
  for (const section of sdp.split(/\r?\n(?=m=)/).slice(1)) {
    const kind = /^m=(\w+)/.exec(section)?.[1];
    const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
    if (!kind || !mid || !Object.hasOwn(sources, mid)) continue;
    const source = sources[mid]!;
    if (KIND_OF_SOURCE[source] !== kind) return { mid, kind, source };
  }
  return null;
}
