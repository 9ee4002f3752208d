import "server-only";
import { prisma } from "../../db/client";
import { KIOSK_MAX_TRIES, type ZKioskIdentified } from "../../domain/kiosk-contract";
import { vmsg } from "../../i18n/validation";
import type { z } from "zod";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { piiHmac } from "../pensioners/pii-crypto";
import { scopeWhere } from "../regions/scope";
import type { TKioskDevice } from "./authenticate-device";
import { verifyCheckToken } from "./check-token";

/** "王*梅": the first and last characters, enough for a pensioner to confirm it is them. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return "*";
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${"*".repeat(chars.length - 2)}${chars.at(-1)}`;
}

const OPEN = ["scheduled", "in_progress"] as const;

/**
 * Finds the one pensioner a kiosk serves, by ID number (HMAC lookup) or by a notice's signed QR
 * token, within the device's region only, and their open check. A pensioner without an open check
 * gets none here: checks are scheduled by the monthly run or an officer, never by a kiosk. The
 * lookup is audited (a read of personal data); only the masked name leaves.
 */
export async function identifyKioskPensioner(
  actor: TActor,
  device: TKioskDevice,
  input: { nationalId: string } | { qrToken: string },
): Promise<z.infer<typeof ZKioskIdentified>> {
  const scope = scopeWhere([device.regionCode]);
  let pensionerId: string;
  let checkId: string | undefined;
  if ("qrToken" in input) {
    const t = verifyCheckToken(input.qrToken);
    if (!t) throw AppError.validation([{ path: "body.qrToken", message: vmsg("invalid") }]);
    pensionerId = t.pensionerId;
    checkId = t.checkId;
  } else {
    const p = await prisma().pensioner.findFirst({ where: { idHmac: piiHmac(input.nationalId), ...scope }, select: { id: true } });
    if (!p) throw new AppError("NOT_FOUND", "No pensioner with this ID number is served at this kiosk");
    pensionerId = p.id;
  }
  const pensioner = await prisma().pensioner.findFirst({ where: { id: pensionerId, ...scope, paymentStatus: { not: "terminated" } }, select: { id: true, name: true, regionCode: true } });
  if (!pensioner) throw new AppError("NOT_FOUND", "No pensioner with this ID number is served at this kiosk");
  const check = await prisma().kioskCheck.findFirst({
    where: { pensionerId, ...(checkId ? { id: checkId } : {}), ...scope, status: { in: [...OPEN] } },
    select: { id: true, dueOn: true, failures: true, period: true },
    orderBy: { dueOn: "asc" },
  });
  await prisma().$transaction(async (tx) => {
    await recordAudit(tx, actor, {
      action: "kiosk.identify",
      targetType: "pensioner",
      targetId: pensioner.id,
      regionCode: pensioner.regionCode,
      summary: { by: "qrToken" in input ? "qr" : "id", deviceId: device.id, checkId: check?.id ?? null },
    });
    await tx.kioskDevice.update({ where: { id: device.id }, data: { lastSeenAt: new Date() }, select: { id: true } });
  });
  if (!check) throw new AppError("NOT_FOUND", "No check is due for this pensioner; please ask at the counter");
  return {
    checkId: check.id,
    maskedName: maskName(pensioner.name),
    dueOn: check.dueOn.toISOString().slice(0, 10),
    triesLeft: Math.max(0, KIOSK_MAX_TRIES - check.failures),
  };
}
