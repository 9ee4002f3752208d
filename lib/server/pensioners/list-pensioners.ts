import "server-only";
import { prisma } from "../../db/client";
import { maskNationalId, normaliseNationalId } from "../../domain/national-id";
import type { TPensionerQuery, TPensionerView } from "../../domain/pensioner";
import type { TActor } from "../actor";
import { recordAudit } from "../audit/record-audit";
import { narrowScope, scopeWhere } from "../regions/scope";
import { regionNames } from "../regions/region-names";
import { piiHmac } from "./pii-crypto";
import { pensionerViewSelect, toPensionerView } from "./pensioner-view";

export type TPensionerPage = { items: TPensionerView[]; total: number; page: number; pageSize: number };

/**
 * One page of the roll, limited to the caller's regions; an exact ID is matched by HMAC only.
 * Each search is a read of personal data (PIPL): one audit event with the query (an ID number
 * masked) and the count, never the rows.
 */
export async function listPensioners(actor: TActor, q: TPensionerQuery, locale: string): Promise<TPensionerPage> {
  const scopes = narrowScope(q.region, actor.regions);
  if (!scopes) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
  const term = q.q ? normaliseNationalId(q.q) : "";
  const kind = term.length === 0 ? "none" : /^\d{17}[\dX]$/.test(term) ? "id" : /^[\dX]{4}$/.test(term) ? "idSuffix" : "name";
  const search =
    kind === "none" ? {} : kind === "id" ? { idHmac: piiHmac(term) } : kind === "idSuffix" ? { idSuffix: term } : { name: { contains: q.q } };
  const where = { AND: [scopeWhere(scopes), search, q.status ? { paymentStatus: q.status } : {}] };
  const db = prisma();
  const [rows, total, names] = await Promise.all([
    db.pensioner.findMany({
      where,
      select: pensionerViewSelect,
      orderBy: [{ regionCode: "asc" }, { name: "asc" }, { id: "asc" }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    db.pensioner.count({ where }),
    regionNames(locale),
  ]);
  const query = kind === "none" ? null : kind === "id" ? maskNationalId(term.slice(0, 4), term.slice(-4)) : kind === "idSuffix" ? term : q.q;
  await recordAudit(db, actor, {
    action: "roll.search",
    targetType: "roll",
    regionCode: scopes.length === 1 ? scopes[0]! : null,
    summary: { kind, query, region: q.region ?? null, status: q.status ?? null, page: q.page, count: total, shown: rows.length },
  });
  return { items: rows.map((r) => toPensionerView(r, names)), total, page: q.page, pageSize: q.pageSize };
}
