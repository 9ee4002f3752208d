import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { newDeviceToken, normaliseCode, sha256 } from "./device-secrets";

/**
 * Exchanges a device's one-time enrolment code for its long-lived token: the code is consumed
 * (a second use fails), only the token's hash is stored, and the exchange is audited. The token
 * is returned once, for the route to set as an httpOnly cookie.
 */
export async function exchangeEnrolmentCode(actor: TActor, code: string) {
  const codeHash = sha256(normaliseCode(code));
  const token = newDeviceToken();
  return prisma().$transaction(async (tx) => {
    // The conditional update is the claim: of two concurrent exchanges of one code, one wins.
    const claimed = await tx.kioskDevice.updateManyAndReturn({
      where: { codeHash, codeExpiresAt: { gt: new Date() }, revokedAt: null },
      data: { codeHash: null, codeExpiresAt: null, tokenHash: sha256(token), enrolledAt: new Date() },
      select: { id: true, name: true, location: true, regionCode: true },
    });
    const d = claimed[0];
    if (!d) throw new AppError("UNAUTHENTICATED", "This enrolment code is not valid, was used already, or has expired");
    await recordAudit(tx, { ...actor, userId: d.id, role: "kiosk" }, {
      action: "kiosk_device.exchange",
      targetType: "kiosk_device",
      targetId: d.id,
      regionCode: d.regionCode,
      summary: { name: d.name },
    });
    return { device: { deviceId: d.id, name: d.name, location: d.location, regionCode: d.regionCode }, token };
  });
}
