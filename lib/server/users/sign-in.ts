import "server-only";
import { verify } from "@node-rs/argon2";
import { env } from "../../env.js";
import { prisma } from "../../db/client";
import { recordAudit } from "../audit/record-audit";

export type TSignInResult =
  | { ok: true; sessionId: string; userId: string; role: string; displayName: string }
  | { ok: false; reason: "invalid" | "rate_limited" };

// Verified against when the account does not exist, so both paths cost one argon2 verification.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$uyRmuNK/nlWXh3sqsjWg2Q$PjuiKGjvqxYkr1SPZTYFOzxkqE7FOUieUbDqfp+Y9K0";

/**
 * Checks a staff member's credentials, throttled per account and per IP; on success opens a
 * server-side session (the JWT only carries its id) and audits the sign-in.
 */
export async function signInWithPassword(username: string, password: string, ip: string | null): Promise<TSignInResult> {
  const db = prisma();
  const since = new Date(Date.now() - env.SIGN_IN_WINDOW_MINUTES * 60_000);
  const accountKey = `account:${username.toLowerCase()}`;
  const ipKey = `ip:${ip ?? "unknown"}`;
  const [accountFailures, ipFailures] = await Promise.all([
    db.signInFailure.count({ where: { key: accountKey, at: { gte: since } } }),
    db.signInFailure.count({ where: { key: ipKey, at: { gte: since } } }),
  ]);
  if (accountFailures >= env.SIGN_IN_MAX_FAILURES_PER_ACCOUNT || ipFailures >= env.SIGN_IN_MAX_FAILURES_PER_IP) {
    return { ok: false, reason: "rate_limited" };
  }
  const user = await db.user.findUnique({
    where: { username: username.toLowerCase() },
    select: { id: true, role: true, displayName: true, passwordHash: true, disabledAt: true },
  });
  const valid = await verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
  if (!user || !valid || user.disabledAt) {
    await db.signInFailure.createMany({ data: [{ key: accountKey }, { key: ipKey }] });
    return { ok: false, reason: "invalid" };
  }
  const session = await db.$transaction(async (tx) => {
    const s = await tx.session.create({
      data: { userId: user.id, expiresAt: new Date(Date.now() + env.SESSION_HOURS * 3600_000), ip },
      select: { id: true },
    });
    await tx.signInFailure.deleteMany({ where: { key: accountKey } });
    await recordAudit(
      tx,
      { userId: user.id, role: user.role, regions: [], requestId: null, ip },
      { action: "auth.signIn", targetType: "session", targetId: s.id },
    );
    return s;
  });
  return { ok: true, sessionId: session.id, userId: user.id, role: user.role, displayName: user.displayName };
}

/** Revokes a session at once: the next request carrying its JWT is treated as signed out. */
export async function revokeSession(sessionId: string): Promise<void> {
  const db = prisma();
  await db.$transaction(async (tx) => {
    const s = await tx.session.update({
      where: { id: sessionId },
      data: { revokedAt: new Date() },
      select: { userId: true, user: { select: { role: true } } },
    });
    await recordAudit(
      tx,
      { userId: s.userId, role: s.user.role, regions: [], requestId: null, ip: null },
      { action: "auth.signOut", targetType: "session", targetId: sessionId },
    );
  });
}
