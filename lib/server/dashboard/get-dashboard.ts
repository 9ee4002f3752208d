import "server-only";
import { pool } from "../../db/client";
import { addMonths, currentPeriod } from "../../domain/period";
import type { TDashboard, TDashboardQuery, TRegionRow, TTrendPoint } from "../../domain/dashboard-contract";
import { env } from "../../env.js";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { allRegions } from "../regions/region-names";
import { inScope, scopePatterns } from "../regions/scope";
import { TICK_STATE } from "./refresh-rollups";

/** One TKY is 10^8 base units. */
const BASE_PER_TKY = 100_000_000n;

export type TDashboardOptions = { now?: Date };

type TRegion = Awaited<ReturnType<typeof allRegions>>[number];
type TTrendRow = {
  period: string;
  total: number; scheduled: number; in_progress: number; passed: number; failed: number; review: number; expired: number; overdue: number;
  holds: number; savings_fen: string;
  calls: number; fees_base: string;
  passive: number;
  opened: number;
};
type TRegionSqlRow = { code: string; due: number; passed: number; failed: number; review: number; expired: number; overdue: number; holds: number; savings_fen: string; fees_base: string };
type TDetailRow = {
  by_cause: { cause: string; kind: string; holds: number; fen: string }[];
  cumulative_fen: string;
  kiosk: { device_id: string; name: string | null; region_code: string; attempts: number; passed: number; failed: number; review: number }[];
  refreshed_at: Date | null;
};

// Three statements, sent together: the 12-month totals (the selected month is the last), the
// breakdown by child region for the month, and the month's details. Rollup tables only.
const TREND_SQL = `
with m as (
  select to_char(d, 'YYYY-MM') as period from generate_series(to_date($1, 'YYYY-MM'), to_date($2, 'YYYY-MM'), interval '1 month') d
), c as (
  select period::text, sum(total)::int total, sum(scheduled)::int scheduled, sum(in_progress)::int in_progress,
         sum(passed)::int passed, sum(failed)::int failed, sum(review)::int review, sum(expired)::int expired, sum(overdue)::int overdue
    from rollup_checks where period between $1 and $2 and region_code like any($3) group by period
), s as (
  select period::text, sum(holds)::int holds, sum(amount_fen)::text savings_fen
    from rollup_savings where period between $1 and $2 and region_code like any($3) group by period
), f as (
  select period::text, sum(calls)::int calls, sum(amount)::text fees_base
    from rollup_fees where period between $1 and $2 and region_code like any($3) group by period
), st as (
  select period::text, coalesce(sum(n) filter (where status = 'alive' and basis not in ('check', 'manual')), 0)::int passive
    from rollup_statuses where period between $1 and $2 and region_code like any($3) group by period
), cs as (
  select period::text, sum(opened)::int opened
    from rollup_cases where period between $1 and $2 and region_code like any($3) group by period
)
select m.period,
       coalesce(c.total, 0) total, coalesce(c.scheduled, 0) scheduled, coalesce(c.in_progress, 0) in_progress,
       coalesce(c.passed, 0) passed, coalesce(c.failed, 0) failed, coalesce(c.review, 0) review,
       coalesce(c.expired, 0) expired, coalesce(c.overdue, 0) overdue,
       coalesce(s.holds, 0) holds, coalesce(s.savings_fen, '0') savings_fen,
       coalesce(f.calls, 0) calls, coalesce(f.fees_base, '0') fees_base,
       coalesce(st.passive, 0) passive, coalesce(cs.opened, 0) opened
  from m left join c using (period) left join s using (period) left join f using (period)
         left join st using (period) left join cs using (period)
 order by m.period`;

const REGIONS_SQL = `
with t as (select unnest($2::text[]) as code), c as (
  select t.code, sum(r.total)::int due, sum(r.passed)::int passed, sum(r.failed)::int failed, sum(r.review)::int review,
         sum(r.expired)::int expired, sum(r.overdue)::int overdue
    from t join rollup_checks r on r.period = $1 and r.region_code like t.code || '%' group by t.code
), s as (
  select t.code, sum(r.holds)::int holds, sum(r.amount_fen)::text savings_fen
    from t join rollup_savings r on r.period = $1 and r.region_code like t.code || '%' group by t.code
), f as (
  select t.code, sum(r.amount)::text fees_base
    from t join rollup_fees r on r.period = $1 and r.region_code like t.code || '%' group by t.code
)
select t.code, coalesce(c.due, 0) due, coalesce(c.passed, 0) passed, coalesce(c.failed, 0) failed, coalesce(c.review, 0) review,
       coalesce(c.expired, 0) expired, coalesce(c.overdue, 0) overdue, coalesce(s.holds, 0) holds,
       coalesce(s.savings_fen, '0') savings_fen, coalesce(f.fees_base, '0') fees_base
  from t left join c using (code) left join s using (code) left join f using (code)`;

const DETAIL_SQL = `
select
  (select coalesce(json_agg(x order by x.cause, x.kind), '[]') from (
     select cause, kind, sum(holds)::int holds, sum(amount_fen)::text fen
       from rollup_savings where period = $1 and region_code like any($2) group by cause, kind) x) by_cause,
  (select coalesce(sum(amount_fen), 0)::text from rollup_savings where period <= $1 and region_code like any($2)) cumulative_fen,
  (select coalesce(json_agg(k order by k.attempts desc, k.device_id), '[]') from (
     select r.device_id, d.name, r.region_code, r.attempts, r.passed, r.failed, r.review
       from rollup_kiosk r left join kiosk_devices d on d.id = r.device_id
      where r.period = $1 and r.region_code like any($2)) k) kiosk,
  (select refreshed_at from rollup_state where source = $3) refreshed_at`;

/** passed ÷ decided (passed + failed + review + expired); null when nothing was decided. */
function passRate(r: { passed: number; failed: number; review: number; expired: number }): number | null {
  const decided = r.passed + r.failed + r.review + r.expired;
  return decided ? r.passed / decided : null;
}

/** Scope codes without those another scope code already covers (52 covers 5201). */
function topScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes)].filter((s) => !scopes.some((t) => t !== s && s.startsWith(t))).sort();
}

const ref = (r: TRegion) => ({ code: r.code, name: r.name, nameEn: r.nameEn });

/**
 * The supervisors' dashboard for one month and one region in the caller's scope (or the whole
 * scope), read from the rollup tables only: savings, checks, kiosk use, fees and their return,
 * manpower, the breakdown by child region and the 12-month trend.
 */
export async function getDashboard(actor: TActor, q: TDashboardQuery, opts: TDashboardOptions = {}): Promise<TDashboard> {
  const current = currentPeriod(opts.now);
  const period = q.period ?? current;
  if (period > current) throw AppError.validation([{ path: "query.period", message: vmsg("periodInFuture") }]);

  const regions = await allRegions();
  const byCode = new Map(regions.map((r) => [r.code, r]));
  let selected: TRegion | null = null;
  if (q.region) {
    selected = byCode.get(q.region) ?? null;
    if (!selected) throw AppError.validation([{ path: "query.region", message: vmsg("regionUnknown") }]);
    if (!inScope(q.region, actor.regions)) {
      throw new AppError("FORBIDDEN", "This region is outside your regions", { fieldErrors: [{ path: "query.region", message: vmsg("regionOutOfScope") }] });
    }
  }
  const patterns = selected ? scopePatterns([selected.code]) : scopePatterns(topScopes(actor.regions));
  const rows: TRegion[] = selected
    ? regions.filter((r) => r.parentCode === selected.code)
    : topScopes(actor.regions).flatMap((c) => byCode.get(c) ?? []);
  const hasChildren = new Set(regions.flatMap((r) => (r.parentCode ? [r.parentCode] : [])));

  const from = addMonths(period, -11);
  const [trendQ, regionQ, detailQ] = await Promise.all([
    pool().query<TTrendRow>(TREND_SQL, [from, period, patterns]),
    pool().query<TRegionSqlRow>(REGIONS_SQL, [period, rows.map((r) => r.code)]),
    pool().query<TDetailRow>(DETAIL_SQL, [period, patterns, TICK_STATE]),
  ]);

  const trend: TTrendPoint[] = trendQ.rows.map((t) => ({
    period: t.period,
    savingsFen: t.savings_fen,
    holds: t.holds,
    checksDue: t.total,
    checksPassed: t.passed,
    checksOverdue: t.overdue,
    passRate: passRate(t),
    feesBase: t.fees_base,
    passive: t.passive,
    kioskPassed: t.passed,
    officerCases: t.opened,
  }));
  const m = trendQ.rows[trendQ.rows.length - 1]!;
  const d = detailQ.rows[0]!;

  const monthFen = BigInt(m.savings_fen);
  const feesBase = BigInt(m.fees_base);
  const verified = m.passive + m.passed;
  const price = env.TKY_PRICE_FEN;
  // savings ÷ fees in fen, where fees in fen = base units × price ÷ 10^8; kept in bigint until the division.
  const returnRatio = feesBase > 0n && price > 0n ? Number((monthFen * BASE_PER_TKY * 1_000_000n) / (feesBase * price)) / 1_000_000 : null;
  const helped = m.passive + m.passed;

  const regionSql = new Map(regionQ.rows.map((r) => [r.code, r]));
  const byRegion: TRegionRow[] = rows.map((r) => {
    const x = regionSql.get(r.code);
    const c = { passed: x?.passed ?? 0, failed: x?.failed ?? 0, review: x?.review ?? 0, expired: x?.expired ?? 0 };
    return {
      ...ref(r),
      drillable: hasChildren.has(r.code),
      savingsFen: x?.savings_fen ?? "0",
      holds: x?.holds ?? 0,
      checksDue: x?.due ?? 0,
      checksPassed: c.passed,
      checksOverdue: x?.overdue ?? 0,
      passRate: passRate(c),
      feesBase: x?.fees_base ?? "0",
    };
  });

  const breadcrumbs = selected
    ? regions.filter((r) => selected.code.startsWith(r.code) && inScope(r.code, actor.regions)).sort((a, b) => a.code.length - b.code.length).map(ref)
    : [];

  return {
    period,
    region: selected ? { ...ref(selected), level: selected.level } : null,
    breadcrumbs,
    refreshedAt: d.refreshed_at ? d.refreshed_at.toISOString() : null,
    savings: {
      monthFen: monthFen.toString(),
      projectedAnnualFen: (monthFen * 12n).toString(),
      cumulativeFen: d.cumulative_fen,
      holds: m.holds,
      byCause: d.by_cause.map((c) => ({ cause: c.cause, kind: c.kind, holds: c.holds, monthFen: c.fen })),
    },
    checks: {
      due: m.total,
      passed: m.passed,
      failed: m.failed,
      review: m.review,
      expired: m.expired,
      overdue: m.overdue,
      inProgress: m.in_progress,
      scheduled: m.scheduled,
      passRate: passRate(m),
      statusMix: (["scheduled", "in_progress", "passed", "failed", "review", "expired"] as const).map((status) => ({ status, n: m[status] })),
      kioskUsage: d.kiosk.map((k) => ({
        deviceId: k.device_id,
        name: k.name ?? k.device_id.slice(0, 8),
        regionCode: k.region_code,
        attempts: k.attempts,
        passed: k.passed,
        failed: k.failed,
        review: k.review,
      })),
    },
    fees: {
      amountBase: feesBase.toString(),
      calls: m.calls,
      verified,
      costPerVerifiedBase: verified ? (feesBase / BigInt(verified)).toString() : null,
      tkyPriceFen: price.toString(),
      returnRatio,
    },
    manpower: {
      passive: m.passive,
      kioskPassed: m.passed,
      officerCases: m.opened,
      noOfficerShare: helped + m.opened ? helped / (helped + m.opened) : null,
    },
    byRegion,
    trend,
  };
}
