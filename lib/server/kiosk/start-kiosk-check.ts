import "server-only";
import { randomInt } from "node:crypto";
import { prisma } from "../../db/client";
import { KIOSK_MAX_TRIES, KIOSK_TRY_SECONDS, type TChallengeStep } from "../../domain/kiosk-contract";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { scopeWhere } from "../regions/scope";
import type { TKioskDevice } from "./authenticate-device";

/** Time on top of the try itself for the frames to upload. */
const SUBMIT_GRACE_SECONDS = 30;

/** Blink, then turn left or right at random: a replayed video of an earlier check fails half the time on the turn alone. */
export function randomChallenge(): TChallengeStep[] {
  return ["blink", randomInt(2) === 0 ? "turn-left" : "turn-right"];
}

/**
 * Starts a try at an open check after the pensioner's consent: the check becomes in_progress and
 * a fresh attempt holds the randomised challenge until it expires. Consent is recorded in the
 * audit event, in the same transaction.
 */
export async function startKioskCheck(actor: TActor, device: TKioskDevice, checkId: string, input: { consent: true; locale: "zh-CN" | "en" }) {
  return prisma().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string; pensioner_id: string; region_code: string; status: string; failures: number }[]>`
      select id::text, pensioner_id::text, region_code, status::text, failures from kiosk_checks
       where id = ${checkId}::uuid and region_code like ${`${device.regionCode}%`} for update`;
    const c = rows[0];
    if (!c) throw AppError.notFound("Check");
    if (c.status !== "scheduled" && c.status !== "in_progress") throw new AppError("CONFLICT", "This check is already decided");
    if (c.failures >= KIOSK_MAX_TRIES) throw new AppError("CONFLICT", "No tries are left; please see the counter");
    const steps = randomChallenge();
    const expiresAt = new Date(Date.now() + (KIOSK_TRY_SECONDS + SUBMIT_GRACE_SECONDS) * 1000);
    const a = await tx.kioskAttempt.create({
      data: { checkId: c.id, pensionerId: c.pensioner_id, regionCode: c.region_code, deviceId: device.id, steps, locale: input.locale, expiresAt },
      select: { id: true },
    });
    if (c.status === "scheduled") await tx.kioskCheck.updateMany({ where: { id: c.id, ...scopeWhere([device.regionCode]) }, data: { status: "in_progress" } });
    await recordAudit(tx, actor, {
      action: "kiosk_check.start",
      targetType: "kiosk_check",
      targetId: c.id,
      regionCode: c.region_code,
      summary: { attemptId: a.id, consent: input.consent, locale: input.locale, steps, deviceId: device.id, from: c.status, to: "in_progress" },
    });
    return { challengeId: a.id, steps, expiresAt: expiresAt.toISOString() };
  });
}
