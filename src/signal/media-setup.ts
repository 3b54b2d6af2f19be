import { networkInterfaces } from "node:os";

/** True for RFC 1918, loopback, link-local and CGNAT IPv4 addresses. */
export function isPrivateIPv4(address: string): boolean {
  const [a, b] = address.split(".").map(Number) as [number, number];
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

/** Whether a public URL's host is only reachable locally or on a private network. */
function isLocalHost(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".local") || hostname === "[::1]" || (/^\d+\.\d+\.\d+\.\d+$/.test(hostname) && isPrivateIPv4(hostname));
}

/** The addresses browsers will be told to send media to. */
export function announcedAddresses(publicIp: string | null): string[] {
  if (publicIp) return [publicIp];
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === "IPv4" && !i.internal)
    .map((i) => i!.address);
}

/**
 * One sentence for the operator when media will likely not reach browsers: the server is
 * public but announces only private addresses (a VPS behind 1:1 NAT needs --public-ip).
 */
export function mediaAddressWarning(publicUrl: string, publicIp: string | null): string | null {
  if (isLocalHost(new URL(publicUrl).hostname)) return null;
  const addresses = announcedAddresses(publicIp);
  if (addresses.length > 0 && addresses.every(isPrivateIPv4)) {
    return `Media candidates announce only private addresses (${addresses.join(", ")}) while --public-url is public: browsers outside this network cannot reach the media ports; set --public-ip to the server's public IPv4 address.`;
  }
  return null;
}
