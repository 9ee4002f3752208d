import "server-only";
import { MAX_FACE_PHOTO_BYTES } from "../../bdmi/contract";
import { prisma } from "../../db/client";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import type { TBdmiClient } from "../bdmi/bdmi-client";
import { decryptPii } from "../pensioners/pii-crypto";
import { scopeWhere } from "../regions/scope";

export const MAX_PHOTO_BYTES = MAX_FACE_PHOTO_BYTES;

/**
 * Enrols a pensioner's reference face with BDMI from an officer's photo. The photo passes through
 * to BDMI and is dropped; the platform keeps no image, only the audit event of the enrolment.
 */
export async function enrolPensionerFace(actor: TActor, pensionerId: string, photo: Buffer, bdmi: TBdmiClient) {
  if (photo.length > MAX_PHOTO_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", "The photo is too large", { fieldErrors: [{ path: "body.photo", message: vmsg("tooBig", { max: MAX_PHOTO_BYTES }) }] });
  }
  if (!(photo[0] === 0xff && photo[1] === 0xd8 && photo[2] === 0xff)) throw AppError.validation([{ path: "body.photo", message: vmsg("notJpeg") }]);
  const p = await prisma().pensioner.findFirst({ where: { id: pensionerId, ...scopeWhere(actor.regions) }, select: { id: true, regionCode: true, idCipher: true, idKeyVersion: true } });
  if (!p) throw AppError.notFound("Pensioner");
  let r;
  try {
    r = await bdmi.enrolFace({ nationalId: decryptPii(p.idCipher, p.idKeyVersion), photo: photo.toString("base64") });
  } catch (e) {
    if (e instanceof AppError && e.upstreamStatus === 422) {
      const many = /more than one|shows [2-9]/.test(e.message);
      throw AppError.validation([{ path: "body.photo", message: vmsg(many ? "twoFaces" : "noFace") }]);
    }
    if (e instanceof AppError && (e.upstreamStatus === 400 || e.upstreamStatus === 413)) throw AppError.validation([{ path: "body.photo", message: vmsg("invalid") }]);
    throw e;
  } finally {
    photo.fill(0);
  }
  await prisma().$transaction((tx) =>
    recordAudit(tx, actor, {
      action: "pensioner.face_enrol",
      targetType: "pensioner",
      targetId: p.id,
      regionCode: p.regionCode,
      summary: { replaced: r.replaced, model: r.model, faceScore: r.faceScore },
    }),
  );
  return { enrolled: true, replaced: r.replaced, enrolledAt: r.enrolledAt };
}
