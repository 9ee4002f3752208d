import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createUser } from "../../../test/fixtures";
import { prisma } from "../../db/client";
import { totpCode } from "../../auth/second-factor";
import { revokeSession, signInWithPassword } from "./sign-in";
import { updateUser } from "./update-user";
import { recoveryCodeHash, sealTotpSecret } from "./second-factor-store";
import { listOwnSignInFailures } from "./list-own-sign-in-failures";

const addr = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const signIn = (login: string, password: string, ip: string | null, code?: string) => signInWithPassword({ login, password, ip, code });

async function withTotp(u: { id: string }, secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") {
  const s = sealTotpSecret(secret);
  await prisma().user.update({ where: { id: u.id }, data: { totpSecretCipher: s.cipher, totpKeyVersion: s.keyVersion, totpEnabledAt: new Date() } });
  return secret;
}

describe("staff sign-in", () => {
  it("opens a server-side session and audits it", async () => {
    const u = await createUser("officer", ["5201"]);
    const r = await signIn(u.username, u.password, "10.0.0.1");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = await prisma().session.findUnique({ where: { id: r.sessionId } });
    expect(s?.userId).toBe(u.id);
    expect(s?.ip).toBe("10.0.0.1");
    expect(await prisma().auditEvent.count({ where: { action: "auth.signIn", targetId: r.sessionId } })).toBe(1);
    await revokeSession(r.sessionId);
    expect((await prisma().session.findUnique({ where: { id: r.sessionId } }))?.revokedAt).not.toBeNull();
  });

  it("delays an address that keeps failing on an account, with growing waits, never a lockout", async () => {
    const u = await createUser("officer", ["5201"]);
    const ip = addr();
    for (let i = 0; i < 5; i++) expect(await signIn(u.username, "wrong", ip)).toEqual({ ok: false, reason: "invalid" });
    // Past the five free failures, the next try from that address waits (1 s, then 2 s, 4 s …).
    const held = await signIn(u.username, u.password, ip);
    expect(held).toMatchObject({ ok: false, reason: "rate_limited" });
    expect((held as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await signIn(u.username, "wrong-again", ip)).toEqual({ ok: false, reason: "invalid" });
    const longer = await signIn(u.username, u.password, ip);
    expect((longer as { retryAfterSeconds: number }).retryAfterSeconds).toBe(2);
  });

  it("lets the owner of a sprayed account sign in from a clean address (no lockout a stranger can cause)", async () => {
    const u = await createUser("officer", ["5201"]);
    for (let i = 0; i < 12; i++) await signIn(u.username, `guess-${i}`, addr());
    await signIn(u.username, "guess-x", "10.250.0.1");
    expect(await signIn(u.username, u.password, "10.250.0.1")).toMatchObject({ ok: false, reason: "rate_limited" });
    expect(await signIn(u.username, u.password, "10.251.0.1")).toMatchObject({ ok: true });
    // She sees the attempts once signed in: 13 failures, with the addresses they came from.
    const r = (await signIn(u.username, u.password, "10.251.0.1")) as { sessionId: string };
    const seen = await listOwnSignInFailures({ userId: u.id, sessionId: r.sessionId, role: "officer", regions: ["5201"], requestId: null, ip: null });
    expect(seen.failures).toHaveLength(13);
    expect(seen.failures.map((f) => f.ip)).toContain("10.250.0.1");
  });

  it("throttles an address that tries many accounts, and no one else", async () => {
    const ip = addr();
    for (let i = 0; i < 30; i++) await signIn(`nobody-${randomUUID()}`, "x", ip);
    const u = await createUser("officer", ["5201"]);
    expect(await signIn(u.username, u.password, ip)).toMatchObject({ ok: false, reason: "rate_limited" });
    expect(await signIn(u.username, u.password, addr())).toMatchObject({ ok: true });
  });

  it("counts email and username as one account", async () => {
    const u = await createUser("officer", ["5201"]);
    const email = `${u.username}@hrss.example`;
    await prisma().user.update({ where: { id: u.id }, data: { email } });
    const ip = addr();
    for (let i = 0; i < 3; i++) await signIn(email, "wrong", ip);
    for (let i = 0; i < 2; i++) await signIn(u.username, "wrong", ip);
    expect(await signIn(email.toUpperCase(), u.password, ip)).toMatchObject({ ok: false, reason: "rate_limited" });
    expect(await signIn(email.toUpperCase(), u.password, addr())).toMatchObject({ ok: true });
  });

  it("asks for the second factor, accepts a TOTP code once, and a recovery code once", async () => {
    const u = await createUser("supervisor", ["52"]);
    const secret = await withTotp(u);
    const ip = addr();
    expect(await signIn(u.username, u.password, ip)).toEqual({ ok: false, reason: "second_factor_required" });
    expect(await signIn(u.username, "wrong", ip)).toEqual({ ok: false, reason: "invalid" });
    const code = await totpCode(secret);
    expect(await signIn(u.username, u.password, ip, code)).toMatchObject({ ok: true });
    expect(await signIn(u.username, u.password, ip, code)).toEqual({ ok: false, reason: "invalid_code" });
    // Two requests racing with one fresh code: one wins.
    const next = await totpCode(secret, Math.floor(Date.now() / 1000) + 30);
    const race = await Promise.all([signIn(u.username, u.password, addr(), next), signIn(u.username, u.password, addr(), next)]);
    expect(race.filter((r) => r.ok)).toHaveLength(1);

    await prisma().recoveryCode.create({ data: { userId: u.id, codeHash: recoveryCodeHash("abcde-fghjk") } });
    expect(await signIn(u.username, u.password, addr(), "ABCDE FGHJK")).toMatchObject({ ok: true });
    expect(await signIn(u.username, u.password, addr(), "abcde-fghjk")).toEqual({ ok: false, reason: "invalid_code" });
    expect(await prisma().auditEvent.count({ where: { action: "auth.recoveryCodeUsed", targetId: u.id } })).toBe(1);
    // Wrong codes count as failures, throttled like passwords.
    expect(await prisma().signInFailure.count({ where: { key: `account:${u.username}`, kind: "second_factor" } })).toBe(3);
  });

  it("refuses a disabled account and revokes its open sessions at once; an expired one-time password is refused", async () => {
    const admin = await createUser("admin", ["52"]);
    const u = await createUser("officer", ["5201"]);
    const r = await signIn(u.username, u.password, "10.3.0.1");
    expect(r.ok).toBe(true);
    await updateUser(admin.actor, u.id, { disabled: true });
    if (r.ok) expect((await prisma().session.findUnique({ where: { id: r.sessionId } }))?.revokedAt).not.toBeNull();
    expect(await signIn(u.username, u.password, "10.3.0.1")).toEqual({ ok: false, reason: "invalid" });

    const v = await createUser("officer", ["5201"]);
    await prisma().user.update({ where: { id: v.id }, data: { mustChangePassword: true, passwordExpiresAt: new Date(Date.now() - 1000) } });
    expect(await signIn(v.username, v.password, addr())).toEqual({ ok: false, reason: "invalid" });
  });
});
