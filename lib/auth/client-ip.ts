import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/**
 * The header our own app server (scripts/app-server.ts) sets on every request, overwriting any
 * value a client sent: the caller's address as resolved by resolveClientIp below.
 */
export const CLIENT_IP_HEADER = "x-pension-client-ip";

/** Strips an IPv4-mapped IPv6 prefix and a zone, so one client has one spelling. */
export function normalizeIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  let s = ip.trim();
  if (s.startsWith("[") && s.includes("]")) s = s.slice(1, s.indexOf("]"));
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(s)) s = s.slice(7);
  return isIP(s) ? s.toLowerCase() : null;
}

/** TRUSTED_PROXIES ("10.0.0.0/8, 192.168.1.7, fd00::/8") as a BlockList; throws on a bad entry. */
export function parseTrustedProxies(spec: string): BlockList {
  const list = new BlockList();
  for (const raw of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [addr, bits] = raw.split("/");
    const ip = normalizeIp(addr);
    if (!ip) throw new Error(`TRUSTED_PROXIES: "${raw}" is not an IP address or CIDR`);
    const type = isIP(ip) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(ip, type);
    else {
      const n = Number(bits);
      if (!Number.isInteger(n) || n < 0 || n > (type === "ipv6" ? 128 : 32)) throw new Error(`TRUSTED_PROXIES: "${raw}" has a bad prefix length`);
      list.addSubnet(ip, n, type);
    }
  }
  return list;
}

const trusted = (list: BlockList, ip: string) => list.check(ip, isIP(ip) === 6 ? "ipv6" : "ipv4");

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy, in which case
 * X-Forwarded-For is read from the right, skipping trusted hops, and the right-most untrusted
 * hop is the client. Without trusted proxies the header is ignored, so a forged value changes
 * nothing.
 */
export function resolveClientIp(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, proxies: BlockList): string | null {
  const peer = normalizeIp(remoteAddress);
  if (!peer || !trusted(proxies, peer)) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "")).split(",").map((h) => h.trim()).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(hops[i]);
    if (!hop) return client; // a malformed hop: stop at the last address we could trust to have set it
    client = hop;
    if (!trusted(proxies, hop)) return hop;
  }
  return client;
}

/** The caller's address as our app server resolved it; null when the app runs without it. */
export function clientIp(headers: Headers): string | null {
  return normalizeIp(headers.get(CLIENT_IP_HEADER));
}

/** What the app server does to every request before Next sees it: the resolved address, or none. */
export function stampClientIp(req: IncomingMessage, proxies: BlockList): void {
  const ip = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], proxies);
  if (ip) req.headers[CLIENT_IP_HEADER] = ip;
  else delete req.headers[CLIENT_IP_HEADER];
}
