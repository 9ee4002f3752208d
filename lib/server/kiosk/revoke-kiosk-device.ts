import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { scopeWhere } from "../regions/scope";

/** Revokes a device in the admin's regions: its token (and any unused code) stops working on its next request. */
export async function revokeKioskDevice(actor: TActor, deviceId: string): Promise<{ revokedAt: string }> {
  return prisma().$transaction(async (tx) => {
    const d = await tx.kioskDevice.findFirst({ where: { id: deviceId, ...scopeWhere(actor.regions) }, select: { id: true, regionCode: true, name: true, revokedAt: true } });
    if (!d) throw AppError.notFound("Kiosk device");
    if (d.revokedAt) return { revokedAt: d.revokedAt.toISOString() };
    const at = new Date();
    await tx.kioskDevice.update({ where: { id: d.id }, data: { revokedAt: at, codeHash: null, codeExpiresAt: null } });
    await recordAudit(tx, actor, { action: "kiosk_device.revoke", targetType: "kiosk_device", targetId: d.id, regionCode: d.regionCode, summary: { name: d.name } });
    return { revokedAt: at.toISOString() };
  });
}
