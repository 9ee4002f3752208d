import { describe, expect, it } from "vitest";
import { normalizeIp, parseTrustedProxies, resolveClientIp } from "./client-ip";

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
