import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { scopeWhere } from "../regions/scope";

/** Disables (or re-enables) a staff account; disabling revokes its sessions in the same transaction. */
export async function setUserDisabled(actor: TActor, userId: string, disabled: boolean): Promise<void> {
  if (userId === actor.userId) throw new AppError("CONFLICT", "You cannot disable your own account");
  await prisma().$transaction(async (tx) => {
    const u = await tx.user.findFirst({ where: { id: userId, regions: { some: scopeWhere(actor.regions) } }, select: { id: true, disabledAt: true } });
    if (!u) throw AppError.notFound("User");
    await tx.user.update({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } });
    if (disabled) await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    await recordAudit(tx, actor, {
      action: disabled ? "user.disable" : "user.enable",
      targetType: "user",
      targetId: userId,
      summary: { before: { disabled: !!u.disabledAt }, after: { disabled } },
    });
  });
}
