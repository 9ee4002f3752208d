import "server-only";
import { z } from "zod";
import { prisma } from "../../db/client";
import { env } from "../../env.js";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { inScope } from "../regions/scope";
import { newEnrolmentCode, normaliseCode, sha256 } from "./device-secrets";

export const ZDeviceCreate = z.object({
  regionCode: z.string().regex(/^\d{2,6}$/, { message: vmsg("regionCode") }),
  name: z.string().trim().min(1, { message: vmsg("required") }).max(80, { message: vmsg("tooLong", { max: 80 }) }),
  location: z.string().trim().min(1, { message: vmsg("required") }).max(200, { message: vmsg("tooLong", { max: 200 }) }),
});
export type TDeviceCreate = z.output<typeof ZDeviceCreate>;

/**
 * Registers a kiosk device for a region in the admin's scope and issues its one-time enrolment
 * code. The code is returned once, here, and stored only as a hash that expires.
 */
export async function enrolKioskDevice(actor: TActor, input: TDeviceCreate): Promise<{ id: string; code: string; codeExpiresAt: string }> {
  if (!inScope(input.regionCode, actor.regions)) {
    throw AppError.validation([{ path: "body.regionCode", message: vmsg("regionOutOfScope") }]);
  }
  const region = await prisma().region.findUnique({ where: { code: input.regionCode }, select: { code: true } });
  if (!region) throw AppError.validation([{ path: "body.regionCode", message: vmsg("regionUnknown") }]);
  const code = newEnrolmentCode();
  const codeExpiresAt = new Date(Date.now() + env.KIOSK_ENROL_CODE_HOURS * 3600_000);
  const device = await prisma().$transaction(async (tx) => {
    const d = await tx.kioskDevice.create({
      data: { regionCode: input.regionCode, name: input.name, location: input.location, codeHash: sha256(normaliseCode(code)), codeExpiresAt, createdBy: actor.userId },
      select: { id: true },
    });
    await recordAudit(tx, actor, {
      action: "kiosk_device.enrol",
      targetType: "kiosk_device",
      targetId: d.id,
      regionCode: input.regionCode,
      summary: { name: input.name, location: input.location, codeExpiresAt: codeExpiresAt.toISOString() },
    });
    return d;
  });
  return { id: device.id, code, codeExpiresAt: codeExpiresAt.toISOString() };
}
