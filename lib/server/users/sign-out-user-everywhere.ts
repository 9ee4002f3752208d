import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { recordAudit } from "../audit/record-audit";
import { lockManagedUser } from "./user-admin-rules";

/** Revokes every open session of a staff account inside the admin's scope (a lost laptop, a leaver). */
export async function signOutUserEverywhere(actor: TActor, userId: string): Promise<{ revoked: number }> {
  return prisma().$transaction(async (tx) => {
    const u = await lockManagedUser(tx, actor, userId);
    const r = await tx.session.updateMany({ where: { userId, revokedAt: null, expiresAt: { gt: new Date() } }, data: { revokedAt: new Date() } });
    await recordAudit(tx, actor, { action: "user.signOutEverywhere", targetType: "user", targetId: userId, regionCode: u.regions[0], summary: { sessionsRevoked: r.count } });
    return { revoked: r.count };
  });
}
