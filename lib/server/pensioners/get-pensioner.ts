import "server-only";
import { prisma } from "../../db/client";
import type { TPensionerView } from "../../domain/pensioner";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { isUuid } from "../schemas";
import { scopeWhere } from "../regions/scope";
import { regionNames } from "../regions/region-names";
import { pensionerViewSelect, toPensionerView } from "./pensioner-view";

/**
 * A pensioner in the caller's regions; 404 alike for unknown ids and other regions' pensioners.
 * Opening one is a read of personal data (PIPL): it is audited, and nothing is shown if it is not.
 */
export async function getPensioner(actor: TActor, id: string, locale: string): Promise<TPensionerView> {
  if (!isUuid(id)) throw AppError.notFound("Pensioner");
  const row = await prisma().pensioner.findFirst({ where: { id, ...scopeWhere(actor.regions) }, select: pensionerViewSelect });
  if (!row) throw AppError.notFound("Pensioner");
  await recordAudit(prisma(), actor, { action: "pensioner.read", targetType: "pensioner", targetId: row.id, regionCode: row.regionCode });
  return toPensionerView(row, await regionNames(locale));
}
