import "server-only";
import { prisma } from "../../db/client";
import type { TPensionerInput, TPensionerView } from "../../domain/pensioner";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import type { TEnrolJob } from "../bdmi/enrol-subjects";
import { enqueue } from "../jobs/enqueue";
import { ENROL_JOB_OPTIONS, QUEUES } from "../jobs/queues";
import { inScope } from "../regions/scope";
import { countyCodes, regionNames } from "../regions/region-names";
import { encryptPii, piiHmac } from "./pii-crypto";
import { pensionerViewSelect, toPensionerView } from "./pensioner-view";

/** Adds one pensioner to the roll in a county of the caller's regions, with its audit event. */
export async function createPensioner(actor: TActor, p: TPensionerInput, locale: string): Promise<TPensionerView> {
  if (!(await countyCodes()).has(p.regionCode) || !inScope(p.regionCode, actor.regions)) {
    throw AppError.validation([{ path: "body.regionCode", message: vmsg("notInRegion") }]);
  }
  const hmac = piiHmac(p.nationalId);
  const { cipher, keyVersion } = encryptPii(p.nationalId);
  const db = prisma();
  const row = await db.$transaction(async (tx) => {
    const onRoll = () => new AppError("CONFLICT", "A pensioner with this ID number is already on the roll", { fieldErrors: [{ path: "body.nationalId", message: vmsg("alreadyOnRoll") }] });
    if (await tx.pensionerIdentity.findUnique({ where: { idHmac: hmac }, select: { pensionerId: true } })) throw onRoll();
    const created = await tx.pensioner.create({
      data: {
        idCipher: cipher,
        idHmac: hmac,
        idKeyVersion: keyVersion,
        idPrefix: p.nationalId.slice(0, 4),
        idSuffix: p.nationalId.slice(14),
        name: p.name,
        sex: p.sex,
        birthDate: new Date(p.birthDate),
        regionCode: p.regionCode,
        address: p.address,
        phone: p.phone,
        scheme: p.scheme,
        monthlyPensionFen: BigInt(p.monthlyPensionFen),
        paymentStatus: p.paymentStatus,
        enrolledOn: new Date(p.enrolledOn),
      },
      select: pensionerViewSelect,
    });
    // The national ID's claim across the province; a second create of the same ID racing this one
    // fails on its key and is the same conflict.
    try {
      await tx.pensionerIdentity.create({ data: { idHmac: hmac, pensionerId: created.id, regionCode: created.regionCode }, select: { pensionerId: true } });
    } catch (e) {
      if ((e as { code?: string }).code === "P2002") throw onRoll();
      throw e;
    }
    await recordAudit(tx, actor, {
      action: "pensioner.create",
      targetType: "pensioner",
      targetId: created.id,
      regionCode: created.regionCode,
      summary: { after: { regionCode: p.regionCode, scheme: p.scheme, monthlyPensionFen: p.monthlyPensionFen, paymentStatus: p.paymentStatus } },
    });
    await enqueue(tx, QUEUES.bdmiEnrol, { pensionerIds: [created.id] } satisfies TEnrolJob, ENROL_JOB_OPTIONS);
    return created;
  });
  return toPensionerView(row, await regionNames(locale));
}
