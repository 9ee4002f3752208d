import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, clientIp, normalizeIp, parseTrustedProxies, resolveClientIp, stampClientIp } from "./client-ip";

/** The app server's stamping over real HTTP: what address would the app see for these headers? */
async function seenBehind(trusted: string, headers: Record<string, string>): Promise<string | null> {
  const proxies = parseTrustedProxies(trusted);
  const server = createServer((req, res) => {
    stampClientIp(req, proxies);
    res.end(JSON.stringify(clientIp(new Headers(req.headers as Record<string, string>))));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers });
    return (await res.json()) as string | null;
  } finally {
    server.close();
  }
}

describe("the app server's client address", () => {
  it("ignores forged X-Forwarded-For and the stamp header itself without a trusted proxy", async () => {
    expect(await seenBehind("", { "x-forwarded-for": "6.6.6.6", [CLIENT_IP_HEADER]: "7.7.7.7", "x-real-ip": "8.8.8.8" })).toBe("127.0.0.1");
  });
  it("honours X-Forwarded-For from a trusted proxy", async () => {
    expect(await seenBehind("127.0.0.1", { "x-forwarded-for": "6.6.6.6, 198.51.100.4" })).toBe("198.51.100.4");
  });
});

describe("resolveClientIp", () => {
  const none = parseTrustedProxies("");
  const proxies = parseTrustedProxies("10.0.0.0/8, 192.168.1.7, fd00::/8");

  it("ignores X-Forwarded-For without trusted proxies: a forged value changes nothing", () => {
    expect(resolveClientIp("203.0.113.9", "1.2.3.4", none)).toBe("203.0.113.9");
    expect(resolveClientIp("::ffff:203.0.113.9", "1.2.3.4, 5.6.7.8", none)).toBe("203.0.113.9");
  });

  it("ignores it from a peer that is not a trusted proxy", () => {
    expect(resolveClientIp("203.0.113.9", "1.2.3.4", proxies)).toBe("203.0.113.9");
  });

  it("takes the right-most untrusted hop behind trusted proxies", () => {
    // The client forged "1.2.3.4"; the proxy appended the address it really saw.
    expect(resolveClientIp("10.0.0.2", "1.2.3.4, 198.51.100.20", proxies)).toBe("198.51.100.20");
    expect(resolveClientIp("10.0.0.2", "198.51.100.20, 192.168.1.7, 10.1.1.1", proxies)).toBe("198.51.100.20");
    expect(resolveClientIp("fd00::1", ["2001:db8::5"], proxies)).toBe("2001:db8::5");
  });

  it("stops at a malformed hop, and falls back to the proxy when nothing was forwarded", () => {
    expect(resolveClientIp("10.0.0.2", "1.2.3.4, not-an-ip", proxies)).toBe("10.0.0.2");
    expect(resolveClientIp("10.0.0.2", undefined, proxies)).toBe("10.0.0.2");
    expect(resolveClientIp("10.0.0.2", "10.0.0.3", proxies)).toBe("10.0.0.3");
  });

  it("normalises spellings and refuses junk", () => {
    expect(normalizeIp("[2001:DB8::1]")).toBe("2001:db8::1");
    expect(normalizeIp("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeIp("' or 1=1 --")).toBeNull();
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/prefix/);
    expect(() => parseTrustedProxies("proxy.local")).toThrow(/not an IP/);
  });
});
