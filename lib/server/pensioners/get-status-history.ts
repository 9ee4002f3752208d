import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { scopeWhere } from "../regions/scope";
import { isUuid } from "../schemas";

export type TStatusHistoryRow = {
  period: string;
  status: string;
  basis: string;
  S: number;
  T: number;
  previousStatus: string | null;
  deathAt: string | null;
  affirmedAt: string | null;
  modelVersion: string;
  evidenceCount: number;
  runId: string | null;
  assessedAt: string;
};

/** A pensioner's survival status, period by period (newest first), within the caller's regions. */
export async function getStatusHistory(actor: TActor, pensionerId: string, limit = 36): Promise<TStatusHistoryRow[]> {
  if (!isUuid(pensionerId)) throw AppError.notFound("Pensioner");
  const p = await prisma().pensioner.findFirst({ where: { id: pensionerId, ...scopeWhere(actor.regions) }, select: { id: true } });
  if (!p) throw AppError.notFound("Pensioner");
  const rows = await prisma().survivalStatus.findMany({
    where: { pensionerId },
    orderBy: { period: "desc" },
    take: limit,
    select: { period: true, status: true, basis: true, s: true, t: true, previousStatus: true, deathAt: true, affirmedAt: true, modelVersion: true, evidenceRefs: true, runId: true, assessedAt: true },
  });
  return rows.map((r) => ({
    period: r.period,
    status: r.status,
    basis: r.basis,
    S: r.s,
    T: r.t,
    previousStatus: r.previousStatus,
    deathAt: r.deathAt?.toISOString() ?? null,
    affirmedAt: r.affirmedAt?.toISOString() ?? null,
    modelVersion: r.modelVersion,
    evidenceCount: r.evidenceRefs.length,
    runId: r.runId,
    assessedAt: r.assessedAt.toISOString(),
  }));
}
