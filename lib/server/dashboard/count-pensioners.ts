import "server-only";
import { pool } from "../../db/client";
import type { TActor } from "../actor";
import { overlapsScope, scopePatterns } from "../regions/scope";
import { allRegions } from "../regions/region-names";

export type TStatusCounts = { active: number; suspended: number; terminated: number; total: number };
export type TRegionCounts = { code: string; name: string; nameEn: string; counts: TStatusCounts };

/** Live counts of pensioners by payment status, for each city (or county) in the caller's regions. */
export async function countPensionersByRegion(actor: TActor): Promise<{ total: TStatusCounts; regions: TRegionCounts[] }> {
  const { rows } = await pool().query<{ region: string; payment_status: keyof TStatusCounts; n: string }>(
    `select left(region_code, 4) as region, payment_status, count(*) as n
       from pensioners where region_code like any($1) group by 1, 2`,
    [scopePatterns(actor.regions)],
  );
  const regions = await allRegions();
  const byCode = new Map<string, TStatusCounts>();
  const total: TStatusCounts = { active: 0, suspended: 0, terminated: 0, total: 0 };
  for (const r of rows) {
    const c = byCode.get(r.region) ?? { active: 0, suspended: 0, terminated: 0, total: 0 };
    c[r.payment_status] += Number(r.n);
    c.total += Number(r.n);
    total[r.payment_status] += Number(r.n);
    total.total += Number(r.n);
    byCode.set(r.region, c);
  }
  const cities = regions.filter((r) => r.level === "city" && overlapsScope(r.code, actor.regions));
  return {
    total,
    regions: cities.map((r) => ({ code: r.code, name: r.name, nameEn: r.nameEn, counts: byCode.get(r.code) ?? { active: 0, suspended: 0, terminated: 0, total: 0 } })),
  };
}
