import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createUser } from "../../../test/fixtures";
import { prisma } from "../../db/client";
import { revokeSession, signInWithPassword } from "./sign-in";
import { setUserDisabled } from "./set-user-disabled";

describe("staff sign-in", () => {
  it("opens a server-side session and audits it", async () => {
    const u = await createUser("officer", ["5201"]);
    const r = await signInWithPassword(u.username, u.password, "10.0.0.1");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = await prisma().session.findUnique({ where: { id: r.sessionId } });
    expect(s?.userId).toBe(u.id);
    expect(await prisma().auditEvent.count({ where: { action: "auth.signIn", targetId: r.sessionId } })).toBe(1);
    await revokeSession(r.sessionId);
    expect((await prisma().session.findUnique({ where: { id: r.sessionId } }))?.revokedAt).not.toBeNull();
  });

  it("throttles an account after repeated failures, even with the right password", async () => {
    const u = await createUser("officer", ["5201"]);
    const ip = `10.1.${Math.floor(Math.random() * 250)}.1`;
    for (let i = 0; i < 5; i++) expect(await signInWithPassword(u.username, "wrong", ip)).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword(u.username, u.password, ip)).toEqual({ ok: false, reason: "rate_limited" });
  });

  it("throttles an IP that tries many accounts", async () => {
    const ip = `10.2.${Math.floor(Math.random() * 250)}.2`;
    for (let i = 0; i < 30; i++) await signInWithPassword(`nobody-${randomUUID()}`, "x", ip);
    const u = await createUser("officer", ["5201"]);
    expect(await signInWithPassword(u.username, u.password, ip)).toEqual({ ok: false, reason: "rate_limited" });
  });

  it("refuses a disabled account and revokes its open sessions at once", async () => {
    const admin = await createUser("admin", ["52"]);
    const u = await createUser("officer", ["5201"]);
    const r = await signInWithPassword(u.username, u.password, "10.3.0.1");
    expect(r.ok).toBe(true);
    await setUserDisabled(admin.actor, u.id, true);
    if (r.ok) expect((await prisma().session.findUnique({ where: { id: r.sessionId } }))?.revokedAt).not.toBeNull();
    expect(await signInWithPassword(u.username, u.password, "10.3.0.1")).toEqual({ ok: false, reason: "invalid" });
  });
});
