import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { prisma } from "../../db/client";
import { passwordProblems } from "../../auth/password-policy";
import { vmsg } from "../../i18n/validation";
import type { TSelfActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";

/**
 * A staff member sets her own password (after a one-time password, or any time): the current one
 * must be right and the new one pass the policy. Her other sessions end; this one stays.
 */
export async function changeOwnPassword(actor: TSelfActor, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const u = await prisma().user.findUniqueOrThrow({ where: { id: actor.userId }, select: { passwordHash: true, email: true, username: true, displayName: true } });
  if (!(await verify(u.passwordHash, input.currentPassword).catch(() => false))) {
    throw AppError.validation([{ path: "body.currentPassword", message: vmsg("passwordWrong") }]);
  }
  const problems = passwordProblems(input.newPassword, { email: u.email, username: u.username, name: u.displayName });
  if (input.newPassword === input.currentPassword) problems.push(vmsg("passwordSame"));
  if (problems.length) throw AppError.validation(problems.map((message) => ({ path: "body.newPassword", message })));
  const passwordHash = await hash(input.newPassword);
  await prisma().$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.userId }, data: { passwordHash, mustChangePassword: false, passwordExpiresAt: null, passwordChangedAt: new Date() } });
    const others = await tx.session.updateMany({ where: { userId: actor.userId, revokedAt: null, id: { not: actor.sessionId } }, data: { revokedAt: new Date() } });
    await recordAudit(tx, actor, { action: "account.passwordChange", targetType: "user", targetId: actor.userId, summary: { otherSessionsRevoked: others.count } });
  });
}
