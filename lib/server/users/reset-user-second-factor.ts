import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { lockManagedUser } from "./user-admin-rules";

/**
 * Removes a staff member's TOTP secret and recovery codes (a lost phone) and signs the account out
 * everywhere; where a second factor is required, the next sign-in enrols a new one first.
 */
export async function resetUserSecondFactor(actor: TActor, userId: string): Promise<void> {
  if (userId === actor.userId) throw new AppError("CONFLICT", "Another administrator must reset your second factor");
  await prisma().$transaction(async (tx) => {
    const u = await lockManagedUser(tx, actor, userId);
    await tx.user.update({ where: { id: userId }, data: { totpSecretCipher: null, totpPendingCipher: null, totpKeyVersion: null, totpEnabledAt: null, totpLastStep: null } });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    const revoked = await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    await recordAudit(tx, actor, {
      action: "user.secondFactorReset",
      targetType: "user",
      targetId: userId,
      regionCode: u.regions[0],
      summary: { before: { secondFactor: !!u.totpEnabledAt }, sessionsRevoked: revoked.count },
    });
  });
}
