import "server-only";
import { prisma } from "../../db/client";
import { normaliseNationalId } from "../../domain/national-id";
import type { TPensionerQuery, TPensionerView } from "../../domain/pensioner";
import type { TActor } from "../actor";
import { narrowScope, scopeWhere } from "../regions/scope";
import { regionNames } from "../regions/region-names";
import { piiHmac } from "./pii-crypto";
import { pensionerViewSelect, toPensionerView } from "./pensioner-view";

export type TPensionerPage = { items: TPensionerView[]; total: number; page: number; pageSize: number };

/** One page of the roll, limited to the caller's regions; an exact ID is matched by HMAC only. */
export async function listPensioners(actor: TActor, q: TPensionerQuery, locale: string): Promise<TPensionerPage> {
  const scopes = narrowScope(q.region, actor.regions);
  if (!scopes) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
  const term = q.q ? normaliseNationalId(q.q) : "";
  const search =
    term.length === 0
      ? {}
      : /^\d{17}[\dX]$/.test(term)
        ? { idHmac: piiHmac(term) }
        : /^[\dX]{4}$/.test(term)
          ? { idSuffix: term }
          : { name: { contains: q.q } };
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
  return { items: rows.map((r) => toPensionerView(r, names)), total, page: q.page, pageSize: q.pageSize };
}
