import { encode } from "next-auth/jwt";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createUser } from "../../test/fixtures";
import { prisma } from "../db/client";
import { env } from "../env.js";

// The request's cookies and headers, as next/headers gives them to a route or a page.
let cookieJar: Record<string, string> = {};
let headerBag: Record<string, string> = {};
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (name in cookieJar ? { name, value: cookieJar[name]! } : undefined),
    getAll: () => Object.entries(cookieJar).map(([name, value]) => ({ name, value })),
  }),
  headers: async () => new Headers(headerBag),
}));
// React's cache() dedupes per request; outside one it would not, but make each call fresh anyway.
vi.mock("react", async (orig) => ({ ...(await orig<typeof import("react")>()), cache: <T>(f: T) => f }));

const { currentUser } = await import("./current-user");

async function signedIn(role: "officer" | "supervisor", regions: string[], https = false) {
  const u = await createUser(role, regions);
  const s = await prisma().session.create({ data: { userId: u.id, expiresAt: new Date(Date.now() + 3600_000) }, select: { id: true } });
  const name = https ? "__Secure-authjs.session-token" : "authjs.session-token";
  cookieJar = { [name]: await encode({ token: { sid: s.id }, secret: env.AUTH_SECRET, salt: name, maxAge: 3600 }) };
  headerBag = { "x-forwarded-proto": https ? "https" : "http" };
  return { user: u, sessionId: s.id };
}

describe("currentUser: the session cookie, then one query for the session, user and regions", () => {
  beforeEach(() => {
    cookieJar = {};
    headerBag = {};
  });

  it("gives the signed-in user with her regions, over HTTP and HTTPS", async () => {
    const { user, sessionId } = await signedIn("officer", ["5203", "5201"]);
    expect(await currentUser()).toMatchObject({ userId: user.id, sessionId, username: user.username, role: "officer", regions: ["5201", "5203"], setup: null, hasSecondFactor: false });
    const secure = await signedIn("officer", ["5201"], true);
    expect((await currentUser())?.sessionId).toBe(secure.sessionId);
    // The plain cookie does not count over HTTPS (Auth.js's cookie names by protocol).
    cookieJar = { "authjs.session-token": cookieJar["__Secure-authjs.session-token"]! };
    expect(await currentUser()).toBeNull();
  });

  it("says what set-up a supervisor still owes", async () => {
    await signedIn("supervisor", ["52"]);
    expect(await currentUser()).toMatchObject({ role: "supervisor", setup: "second_factor", hasSecondFactor: false });
  });

  it("is nobody for a revoked or expired session, a disabled user, a forged cookie or none", async () => {
    const a = await signedIn("officer", ["5201"]);
    expect(await currentUser()).not.toBeNull();
    await prisma().session.update({ where: { id: a.sessionId }, data: { revokedAt: new Date() } });
    expect(await currentUser()).toBeNull();

    const b = await signedIn("officer", ["5201"]);
    await prisma().session.update({ where: { id: b.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await currentUser()).toBeNull();

    const c = await signedIn("officer", ["5201"]);
    await prisma().user.update({ where: { id: c.user.id }, data: { disabledAt: new Date() } });
    expect(await currentUser()).toBeNull();

    cookieJar = { "authjs.session-token": await encode({ token: { sid: c.sessionId }, secret: "x".repeat(40), salt: "authjs.session-token" }) };
    expect(await currentUser()).toBeNull();
    cookieJar = { "authjs.session-token": await encode({ token: { sid: "not-a-uuid" }, secret: env.AUTH_SECRET, salt: "authjs.session-token" }) };
    expect(await currentUser()).toBeNull();
    cookieJar = {};
    expect(await currentUser()).toBeNull();
  });
});
