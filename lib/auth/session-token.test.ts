import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { sessionIdFromCookies } from "./session-token";

const SECRET = "s".repeat(40);
const jar = (cookies: Record<string, string>) => ({
  get: (name: string) => (name in cookies ? { value: cookies[name]! } : undefined),
  getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })),
});
const token = (sid: string, o: { salt?: string; secret?: string; maxAge?: number } = {}) =>
  encode({ token: { sid }, secret: o.secret ?? SECRET, salt: o.salt ?? "authjs.session-token", maxAge: o.maxAge ?? 3600 });

describe("the session cookie, decoded as Auth.js does", () => {
  it("reads the session id from the cookie of the request's protocol, with its name as the salt", async () => {
    const plain = await token("sid-1");
    expect(await sessionIdFromCookies(jar({ "authjs.session-token": plain }), false, SECRET)).toBe("sid-1");
    // Over HTTPS only the __Secure- cookie counts, and one made with the other name's salt does not decrypt.
    expect(await sessionIdFromCookies(jar({ "authjs.session-token": plain }), true, SECRET)).toBeNull();
    expect(await sessionIdFromCookies(jar({ "__Secure-authjs.session-token": plain }), true, SECRET)).toBeNull();
    const secure = await token("sid-2", { salt: "__Secure-authjs.session-token" });
    expect(await sessionIdFromCookies(jar({ "__Secure-authjs.session-token": secure }), true, SECRET)).toBe("sid-2");
  });

  it("refuses a token made with another secret, a tampered one and none", async () => {
    expect(await sessionIdFromCookies(jar({ "authjs.session-token": await token("x", { secret: "t".repeat(40) }) }), false, SECRET)).toBeNull();
    const t = await token("sid-3");
    const tampered = t.slice(0, -3) + (t.endsWith("AAA") ? "BBB" : "AAA");
    expect(await sessionIdFromCookies(jar({ "authjs.session-token": tampered }), false, SECRET)).toBeNull();
    expect(await sessionIdFromCookies(jar({}), false, SECRET)).toBeNull();
  });

  it("joins a cookie Auth.js split into chunks", async () => {
    const t = await token("sid-4");
    const half = Math.floor(t.length / 2);
    expect(await sessionIdFromCookies(jar({ "authjs.session-token.1": t.slice(half), "authjs.session-token.0": t.slice(0, half) }), false, SECRET)).toBe("sid-4");
  });

  it("keeps answering a known token from memory until it expires, then not", async () => {
    const t = await token("sid-5", { maxAge: 60 });
    const c = jar({ "authjs.session-token": t });
    expect(await sessionIdFromCookies(c, false, SECRET)).toBe("sid-5");
    expect(await sessionIdFromCookies(c, false, SECRET, Date.now() + 30_000)).toBe("sid-5");
    // Past exp and the 15 s clock tolerance: expired, from the cache as from decode().
    expect(await sessionIdFromCookies(c, false, SECRET, Date.now() + 80_000)).toBeNull();
    expect(await sessionIdFromCookies(jar({ "authjs.session-token": await token("sid-6", { maxAge: -60 }) }), false, SECRET)).toBeNull();
  });
});
