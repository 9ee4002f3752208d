import "server-only";
import { pool } from "../../db/client";
import type { TCaseDetail } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { regionNames } from "../regions/region-names";
import { scopePatterns } from "../regions/scope";
import { isUuid } from "../schemas";
import { loadCaseDetail } from "./case-view";

/** A case of the caller's regions with its timeline, payment stop, arrears and the caller's allowed moves; 404 alike for unknown ids and other regions' cases. */
export async function getCase(actor: TActor, id: string, locale: string): Promise<TCaseDetail> {
  if (!isUuid(id)) throw AppError.notFound("Case");
  const detail = await loadCaseDetail(pool(), actor, id, scopePatterns(actor.regions), await regionNames(locale));
  if (!detail) throw AppError.notFound("Case");
  return detail;
}
