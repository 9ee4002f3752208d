import "server-only";
import { verify } from "@node-rs/argon2";
import { env } from "../../env.js";
import { prisma } from "../../db/client";
import { checkTotp, looksLikeRecoveryCode } from "../../auth/second-factor";
import { throttleDecision, type TFailureTally } from "../../auth/throttle";
import { recordAudit } from "../audit/record-audit";
import { recoveryCodeHash, totpSecretOf } from "./second-factor-store";

export type TSignInInput = { login: string; password: string; code?: string | null; ip: string | null; userAgent?: string | null };

export type TSignInResult =
  | { ok: true; sessionId: string; userId: string; role: string; displayName: string }
  | { ok: false; reason: "invalid" | "second_factor_required" | "invalid_code" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

// Verified against when the account does not exist, so both paths cost one argon2 verification.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$uyRmuNK/nlWXh3sqsjWg2Q$PjuiKGjvqxYkr1SPZTYFOzxkqE7FOUieUbDqfp+Y9K0";

/** The throttling key of an account: its username, or what was typed when no account has it. */
export const accountKey = (login: string) => `account:${login.trim().toLowerCase()}`;
const addressKey = (ip: string) => `ip:${ip}`;

async function tally(key: string, since: Date, ip?: string): Promise<TFailureTally> {
  const r = await prisma().signInFailure.aggregate({ where: { key, at: { gte: since }, ...(ip ? { ip } : {}) }, _count: { _all: true }, _max: { at: true } });
  return { count: r._count._all, last: r._max.at };
}

async function recordFailure(key: string, ip: string | null, kind: "password" | "second_factor"): Promise<void> {
  const keys = [key, ...(ip ? [addressKey(ip)] : [])];
  await prisma().signInFailure.createMany({ data: keys.map((k) => ({ key: k, ip, kind })) });
}

/**
 * Checks a staff member's credentials (username or email, password, and the second factor when
 * the account has one), throttled per account and per source address with growing delays
 * (lib/auth/throttle.ts); on success opens a server-side session (the JWT only carries its id)
 * and audits the sign-in. A TOTP code is accepted once; a recovery code is spent.
 */
export async function signInWithPassword(input: TSignInInput): Promise<TSignInResult> {
  const db = prisma();
  const login = input.login.trim().toLowerCase();
  const since = new Date(Date.now() - env.SIGN_IN_WINDOW_MINUTES * 60_000);
  const user = await db.user.findFirst({
    where: { OR: [{ username: login }, { email: login }] },
    select: {
      id: true, username: true, role: true, displayName: true, passwordHash: true, disabledAt: true, passwordExpiresAt: true,
      totpSecretCipher: true, totpKeyVersion: true, totpLastStep: true, totpEnabledAt: true,
    },
  });
  // Failures count against the account itself, whichever of its names was typed.
  const countedAs = accountKey(user?.username ?? login);
  const [account, byAddress, byAddressOnAccount] = await Promise.all([
    tally(countedAs, since),
    input.ip ? tally(addressKey(input.ip), since) : Promise.resolve(null),
    input.ip ? tally(countedAs, since, input.ip) : Promise.resolve(null),
  ]);
  const gate = throttleDecision(account, byAddress, byAddressOnAccount, {
    freePerAccount: env.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
    freePerAddress: env.SIGN_IN_MAX_FAILURES_PER_IP,
    maxDelaySeconds: env.SIGN_IN_MAX_DELAY_SECONDS,
  });
  if (!gate.allowed) return { ok: false, reason: "rate_limited", retryAfterSeconds: gate.retryAfterSeconds };

  const valid = await verify(user?.passwordHash ?? DUMMY_HASH, input.password).catch(() => false);
  const expired = !!user?.passwordExpiresAt && user.passwordExpiresAt < new Date();
  if (!user || !valid || user.disabledAt || expired) {
    await recordFailure(countedAs, input.ip, "password");
    return { ok: false, reason: "invalid" };
  }

  let secondFactor: "totp" | "recovery" | null = null;
  if (user.totpEnabledAt && user.totpSecretCipher) {
    const code = (input.code ?? "").trim();
    if (!code) return { ok: false, reason: "second_factor_required" };
    if (/^\d{6}$/.test(code)) {
      const step = await checkTotp(totpSecretOf(user.totpSecretCipher, user.totpKeyVersion!), code, user.totpLastStep);
      // The step moves forward in one conditional update, so two requests with one code cannot both pass.
      const taken =
        step !== null &&
        (await db.user.updateMany({ where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] }, data: { totpLastStep: step } })).count === 1;
      if (taken) secondFactor = "totp";
    } else if (looksLikeRecoveryCode(code)) {
      const spent = await db.recoveryCode.updateMany({ where: { userId: user.id, codeHash: recoveryCodeHash(code), usedAt: null }, data: { usedAt: new Date() } });
      if (spent.count === 1) secondFactor = "recovery";
    }
    if (!secondFactor) {
      await recordFailure(countedAs, input.ip, "second_factor");
      return { ok: false, reason: "invalid_code" };
    }
  }

  const session = await db.$transaction(async (tx) => {
    const s = await tx.session.create({
      data: { userId: user.id, expiresAt: new Date(Date.now() + env.SESSION_HOURS * 3600_000), ip: input.ip, userAgent: input.userAgent?.slice(0, 300) ?? null, secondFactor },
      select: { id: true },
    });
    await recordAudit(
      tx,
      { userId: user.id, role: user.role, regions: [], requestId: null, ip: input.ip },
      { action: "auth.signIn", targetType: "session", targetId: s.id, summary: { secondFactor } },
    );
    if (secondFactor === "recovery") {
      await recordAudit(tx, { userId: user.id, role: user.role, regions: [], requestId: null, ip: input.ip }, { action: "auth.recoveryCodeUsed", targetType: "user", targetId: user.id });
    }
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
