import "server-only";
import { pool, prisma } from "../../db/client";
import { maskNationalId, normaliseNationalId } from "../../domain/national-id";
import type { TPensionerQuery, TPensionerView } from "../../domain/pensioner";
import { escapeLike, ROLL_TOTAL_CAP } from "../../domain/roll-total";
import type { TActor } from "../actor";
import { recordAudit } from "../audit/record-audit";
import { narrowScope, scopePatterns, scopeWhere } from "../regions/scope";
import { regionNames } from "../regions/region-names";
import { piiHmac } from "./pii-crypto";
import { pensionerViewSelect, toPensionerView } from "./pensioner-view";

/**
 * `total` is exact up to ROLL_TOTAL_CAP; `totalCapped` says there are more than that. `hasNext`
 * says whether a next page has rows, whatever the total.
 */
export type TPensionerPage = { items: TPensionerView[]; total: number; totalCapped: boolean; hasNext: boolean; page: number; pageSize: number };

/**
 * One page of the roll, limited to the caller's regions; an exact ID is matched by HMAC only, a
 * name by its beginning (the surname, or more of the name), which the (region_code, name) index
 * answers. The total is counted up to ROLL_TOTAL_CAP, never over the whole scope. Each search is a
 * read of personal data (PIPL): one audit event with the query (an ID number masked) and the
 * (capped) count, never the rows.
 */
export async function listPensioners(actor: TActor, q: TPensionerQuery, locale: string): Promise<TPensionerPage> {
  const scopes = narrowScope(q.region, actor.regions);
  if (!scopes) return { items: [], total: 0, totalCapped: false, hasNext: false, page: q.page, pageSize: q.pageSize };
  const term = q.q ? normaliseNationalId(q.q) : "";
  const kind = term.length === 0 ? "none" : /^\d{17}[\dX]$/.test(term) ? "id" : /^[\dX]{4}$/.test(term) ? "idSuffix" : "name";
  const hmac = kind === "id" ? piiHmac(term) : null;
  const search =
    kind === "none" ? {} : kind === "id" ? { idHmac: hmac! } : kind === "idSuffix" ? { idSuffix: term } : { name: { startsWith: escapeLike(q.q!) } };
  const where = { AND: [scopeWhere(scopes), search, q.status ? { paymentStatus: q.status } : {}] };
  const filter: TCountFilter =
    kind === "none" ? { kind } : kind === "id" ? { kind, hmac: Buffer.from(hmac!) } : kind === "idSuffix" ? { kind, suffix: term } : { kind, prefix: escapeLike(q.q!) };
  const db = prisma();
  const [found, counted, names] = await Promise.all([
    db.pensioner.findMany({
      where,
      select: pensionerViewSelect,
      orderBy: [{ regionCode: "asc" }, { name: "asc" }, { id: "asc" }],
      skip: (q.page - 1) * q.pageSize,
      // One row past the page: whether there is a next page, when the total is capped.
      take: q.pageSize + 1,
    }),
    countUpTo(scopes, filter, q.status ?? null, ROLL_TOTAL_CAP + 1),
    regionNames(locale),
  ]);
  const rows = found.slice(0, q.pageSize);
  const totalCapped = counted > ROLL_TOTAL_CAP;
  const total = Math.min(counted, ROLL_TOTAL_CAP);
  const query = kind === "none" ? null : kind === "id" ? maskNationalId(term.slice(0, 4), term.slice(-4)) : kind === "idSuffix" ? term : q.q;
  await recordAudit(db, actor, {
    action: "roll.search",
    targetType: "roll",
    regionCode: scopes.length === 1 ? scopes[0]! : null,
    summary: { kind, query, region: q.region ?? null, status: q.status ?? null, page: q.page, count: total, countCapped: totalCapped, shown: rows.length },
  });
  return { items: rows.map((r) => toPensionerView(r, names)), total, totalCapped, hasNext: found.length > q.pageSize, page: q.page, pageSize: q.pageSize };
}

type TCountFilter = { kind: "none" } | { kind: "id"; hmac: Buffer } | { kind: "idSuffix"; suffix: string } | { kind: "name"; prefix: string };

/**
 * count(*) over a LIMITed subquery, so at most `limit` index entries are read. In SQL rather than
 * Prisma's count({ take }), which adds ORDER BY id to the subquery and so reads the heap in
 * primary-key order; here the scope is one LIKE per region (a range of the (region_code, …)
 * indexes, which LIKE ANY would not give) and the count an index-only scan.
 */
async function countUpTo(scopes: string[], f: TCountFilter, status: string | null, limit: number): Promise<number> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const cond = [`(${scopePatterns(scopes).map((s) => `region_code like ${p(s)}`).join(" or ")})`];
  if (f.kind === "id") cond.push(`id_hmac = ${p(f.hmac)}`);
  if (f.kind === "idSuffix") cond.push(`id_suffix = ${p(f.suffix)}`);
  if (f.kind === "name") cond.push(`name like ${p(`${f.prefix}%`)}`);
  if (status) cond.push(`payment_status = ${p(status)}::"PaymentStatus"`);
  const r = await pool().query<{ n: number }>(`select count(*)::int as n from (select 1 from pensioners where ${cond.join(" and ")} limit ${p(limit)}) s`, params);
  return r.rows[0]!.n;
}
