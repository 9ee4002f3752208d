import "server-only";
import { prisma } from "../../db/client";
import type { TPensionerView } from "../../domain/pensioner";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { isUuid } from "../schemas";
import { scopeWhere } from "../regions/scope";
import { regionNames } from "../regions/region-names";
import { pensionerViewSelect, toPensionerView } from "./pensioner-view";

/** A pensioner in the caller's regions; 404 alike for unknown ids and other regions' pensioners. */
export async function getPensioner(actor: TActor, id: string, locale: string): Promise<TPensionerView> {
  if (!isUuid(id)) throw AppError.notFound("Pensioner");
  const row = await prisma().pensioner.findFirst({ where: { id, ...scopeWhere(actor.regions) }, select: pensionerViewSelect });
  if (!row) throw AppError.notFound("Pensioner");
  return toPensionerView(row, await regionNames(locale));
}
