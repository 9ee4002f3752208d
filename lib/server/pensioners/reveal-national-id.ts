import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { scopeWhere } from "../regions/scope";
import { decryptPii } from "./pii-crypto";

/** Decrypts one pensioner's ID number for a permitted role; the reveal is audited in the same transaction. */
export async function revealNationalId(actor: TActor, id: string, reason: string): Promise<{ nationalId: string }> {
  return prisma().$transaction(async (tx) => {
    const row = await tx.pensioner.findFirst({
      where: { id, ...scopeWhere(actor.regions) },
      select: { idCipher: true, idKeyVersion: true, regionCode: true },
    });
    if (!row) throw AppError.notFound("Pensioner");
    await recordAudit(tx, actor, {
      action: "pensioner.revealId",
      targetType: "pensioner",
      targetId: id,
      regionCode: row.regionCode,
      summary: { reason },
    });
    return { nationalId: decryptPii(row.idCipher, row.idKeyVersion) };
  });
}
