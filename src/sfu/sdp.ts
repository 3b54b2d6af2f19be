/**
 * SDP text handling at the SFU boundary: which candidates we announce and which we accept.
 * werift gathers every interface (notes, trap 2); browsers add mDNS `.local` names that would
 * start lookups and IPv6 addresses we do not serve. Both directions are filtered here, and
 * our host addresses are replaced by the announced address behind 1:1 NAT.
 */

/** What decides how our own candidates are written. */
export interface CandidatePolicy {
  /** Replaces the interface address in our candidates (1:1 NAT); undefined keeps it. */
  announcedAddress?: string;
  /** Addresses kept as they are even when an announced address is set (loopback, LAN). */
  keepAddresses: readonly string[];
}

/** Splits an SDP into lines, tolerating both CRLF and LF. */
function lines(sdp: string): string[] {
  return sdp.split(/\r?\n/);
}

/** Joins lines back with CRLF, ending with one CRLF as SDP requires. */
function join(out: string[]): string {
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\r\n") + "\r\n";
}

/** The connection address (5th field) of a candidate attribute value, or "". */
export function candidateAddress(candidate: string): string {
  const value = candidate.startsWith("candidate:") ? candidate : candidate.replace(/^a=/, "");
  const parts = value.split(" ");
  return parts[4] ?? "";
}

/** True when a remote candidate is one we cannot or will not use: mDNS name, IPv6, garbage. */
export function isUnwantedCandidate(candidate: string): boolean {
  const address = candidateAddress(candidate);
  if (address === "") return true;
  if (address.endsWith(".local")) return true;
  if (address.includes(":")) return true;
  return false;
}

/**
 * Rewrites one of our own candidate lines by the policy, or returns null to drop it.
 * `seen` dedupes announced candidates: with several interfaces rewritten to one address,
 * one per transport protocol is enough (every socket is bound to the wildcard address).
 */
export function rewriteLocalCandidate(
  candidate: string,
  policy: CandidatePolicy,
  seen: Set<string>,
): string | null {
  if (isUnwantedCandidate(candidate)) return null;
  const parts = candidate.split(" ");
  const address = parts[4] ?? "";
  const announced = policy.announcedAddress;
  if (announced && !policy.keepAddresses.includes(address)) {
    parts[4] = announced;
  }
  const protocol = (parts[2] ?? "").toLowerCase();
  const tcpType = parts.includes("tcptype") ? (parts[parts.indexOf("tcptype") + 1] ?? "") : "";
  // We only listen for ICE-TCP: browsers rarely accept inbound TCP, so active ones are noise.
  if (protocol === "tcp" && tcpType !== "passive") return null;
  const key = `${parts[4]}|${protocol}|${tcpType}|${announced && parts[4] === announced ? "" : parts[5]}`;
  if (seen.has(key)) return null;
  seen.add(key);
  return parts.join(" ");
}

/** Applies the candidate policy to our own SDP (offer or answer) before it leaves the SFU. */
export function rewriteLocalSdp(sdp: string, policy: CandidatePolicy): string {
  const out: string[] = [];
  let seen = new Set<string>();
  for (const line of lines(sdp)) {
    if (line.startsWith("m=")) seen = new Set<string>();
    if (line.startsWith("a=candidate:")) {
      const rewritten = rewriteLocalCandidate(line.slice(2), policy, seen);
      if (rewritten) out.push("a=" + rewritten);
      continue;
    }
    if (line.startsWith("c=IN IP6")) {
      out.push("c=IN IP4 0.0.0.0");
      continue;
    }
    if (policy.announcedAddress && line.startsWith("c=IN IP4 ")) {
      const address = line.slice("c=IN IP4 ".length);
      if (address !== "0.0.0.0" && !policy.keepAddresses.includes(address)) {
        out.push("c=IN IP4 " + policy.announcedAddress);
        continue;
      }
    }
    out.push(line);
  }
  return join(out);
}

/** Largest SDP we accept; a browser's with audio, video and a screen share is a few KiB. */
export const MAX_SDP_LENGTH = 64 * 1024;

/**
 * Why a browser's SDP cannot be used, or null if it looks like real WebRTC SDP. werift
 * accepts even an empty string as an offer and answers it, which would silently reset a
 * peer's negotiation, so we check the basics before it sees anything.
 */
export function remoteSdpProblem(sdp: unknown): string | null {
  if (typeof sdp !== "string") return "not a string";
  if (sdp.length > MAX_SDP_LENGTH) return "too long";
  if (!sdp.startsWith("v=0")) return "does not start with v=0";
  const all = lines(sdp);
  if (!all.some((line) => line.startsWith("m="))) return "has no media section";
  if (!all.some((line) => line.startsWith("a=ice-ufrag:"))) return "has no ICE credentials";
  if (!all.some((line) => line.startsWith("a=fingerprint:"))) return "has no DTLS fingerprint";
  return null;
}

/** Drops the browser's mDNS and IPv6 candidates from its SDP before werift reads it. */
export function cleanRemoteSdp(sdp: string): string {
  const out: string[] = [];
  for (const line of lines(sdp)) {
    if (line.startsWith("a=candidate:") && isUnwantedCandidate(line.slice(2))) continue;
    out.push(line);
  }
  return join(out);
}

/** The extmap URIs an SDP negotiates, for tests and checks (e.g. no transport-cc). */
export function extmapUris(sdp: string): string[] {
  const uris: string[] = [];
  for (const line of lines(sdp)) {
    if (!line.startsWith("a=extmap:")) continue;
    const uri = line.split(" ")[1];
    if (uri) uris.push(uri);
  }
  return uris;
}

/** The candidate attribute values (without "a=") of an SDP. */
export function sdpCandidates(sdp: string): string[] {
  return lines(sdp)
    .filter((line) => line.startsWith("a=candidate:"))
    .map((line) => line.slice(2));
}
