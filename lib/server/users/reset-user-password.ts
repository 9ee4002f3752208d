import "server-only";
import { hash } from "@node-rs/argon2";
import { env } from "../../env.js";
import { prisma } from "../../db/client";
import { newOneTimePassword } from "../../auth/second-factor";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { lockManagedUser } from "./user-admin-rules";

/**
 * Replaces a staff member's password with a one-time password (shown once to the admin, valid
 * ONE_TIME_PASSWORD_HOURS, to be replaced at the next sign-in) and signs the account out
 * everywhere. The second factor stays: resetting it is its own step.
 */
export async function resetUserPassword(actor: TActor, userId: string): Promise<{ oneTimePassword: string; expiresAt: string }> {
  if (userId === actor.userId) throw new AppError("CONFLICT", "Change your own password from your account page");
  const oneTimePassword = newOneTimePassword();
  const passwordHash = await hash(oneTimePassword);
  const expiresAt = new Date(Date.now() + env.ONE_TIME_PASSWORD_HOURS * 3600_000);
  await prisma().$transaction(async (tx) => {
    const u = await lockManagedUser(tx, actor, userId);
    await tx.user.update({ where: { id: userId }, data: { passwordHash, mustChangePassword: true, passwordExpiresAt: expiresAt } });
    const revoked = await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    await recordAudit(tx, actor, { action: "user.passwordReset", targetType: "user", targetId: userId, regionCode: u.regions[0], summary: { sessionsRevoked: revoked.count } });
  });
  return { oneTimePassword, expiresAt: expiresAt.toISOString() };
}
