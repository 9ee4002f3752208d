// dashboard: the supervisors' dashboard at n kiosk check records over n/10 pensioners (10 months).
// Setup (untimed, timed and printed): the source tables generated set-based in SQL
// (generate_series, one statement a table and month, the dirty-tracking triggers on), then the
// rollups built by refresh-rollups exactly as the worker builds them (its cost is reported too).
// Timed: the dashboard use case (getDashboard, what GET /api/v1/dashboard calls after withRoute's
// session check, which needs a Next.js request and is left out) over many requests across months
// and regions (whole scope, province, cities, counties) at concurrency 4; p50 and p95.
// Floor: the same figures by one plain SQL statement on the rollup tables, the same requests and
// concurrency; ratioToFloor = p95 ÷ the floor's p95.
import { randomUUID } from "node:crypto";
import { pool, prisma } from "../../lib/db/client";
import { seedRegions } from "../../lib/db/seed";
import { addMonths, currentPeriod, endOfNextMonth } from "../../lib/domain/period";
import type { TActor } from "../../lib/server/actor";
import { getDashboard } from "../../lib/server/dashboard/get-dashboard";
import { refreshRollups } from "../../lib/server/dashboard/refresh-rollups";
import { scopePatterns } from "../../lib/server/regions/scope";
import { timed, type TScenario } from "../harness";

const MONTHS = 10;
const CONCURRENCY = 4;
const REQUESTS = 600;
const TARGET_P95_MS = 150;

// The same figures as getDashboard, by one plain statement: $1 first month of the trend, $2 the
// month, $3 region patterns, $4 the breakdown's region codes.
const FLOOR_SQL = `
with c as (
  select period, sum(total) due, sum(scheduled) scheduled, sum(in_progress) in_progress, sum(passed) passed, sum(failed) failed,
         sum(review) review, sum(expired) expired, sum(overdue) overdue
    from rollup_checks where period between $1 and $2 and region_code like any($3) group by period
), s as (
  select period, sum(holds) holds, sum(amount_fen) fen from rollup_savings where period <= $2 and region_code like any($3) group by period
), f as (
  select period, sum(calls) calls, sum(amount) amount from rollup_fees where period between $1 and $2 and region_code like any($3) group by period
), st as (
  select period, sum(n) filter (where status = 'alive' and basis not in ('check', 'manual')) passive
    from rollup_statuses where period between $1 and $2 and region_code like any($3) group by period
), cs as (
  select period, sum(opened) opened from rollup_cases where period between $1 and $2 and region_code like any($3) group by period
), rc as (
  select t.code, sum(r.total) due, sum(r.passed) passed, sum(r.failed) failed, sum(r.review) review, sum(r.expired) expired, sum(r.overdue) overdue
    from unnest($4::text[]) t(code) join rollup_checks r on r.period = $2 and r.region_code like t.code || '%' group by t.code
), rs as (
  select t.code, sum(r.holds) holds, sum(r.amount_fen) fen
    from unnest($4::text[]) t(code) join rollup_savings r on r.period = $2 and r.region_code like t.code || '%' group by t.code
), rf as (
  select t.code, sum(r.amount) amount
    from unnest($4::text[]) t(code) join rollup_fees r on r.period = $2 and r.region_code like t.code || '%' group by t.code
), bc as (
  select cause, kind, sum(holds) holds, sum(amount_fen) fen from rollup_savings where period = $2 and region_code like any($3) group by cause, kind
), k as (
  select r.device_id, d.name, r.region_code, r.attempts, r.passed, r.failed, r.review
    from rollup_kiosk r left join kiosk_devices d on d.id = r.device_id where r.period = $2 and r.region_code like any($3)
)
select (select json_agg(c) from c) checks, (select json_agg(s) from s where period >= $1) savings,
       (select sum(fen) from s) cumulative, (select json_agg(f) from f) fees, (select json_agg(st) from st) statuses,
       (select json_agg(cs) from cs) cases, (select json_agg(rc) from rc) region_checks, (select json_agg(rs) from rs) region_savings,
       (select json_agg(rf) from rf) region_fees, (select json_agg(bc) from bc) by_cause, (select json_agg(k) from k) kiosk,
       (select refreshed_at from rollup_state where source = 'tick') refreshed_at`;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function poolN<T>(items: T[], fn: (x: T) => Promise<void>) {
  let i = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

export const dashboardScenario: TScenario = {
  name: "dashboard",
  defaultN: 1_000_000,
  summary: `the dashboard use case from the rollups (p95 over ${REQUESTS} requests across months and regions, concurrency ${CONCURRENCY}) vs one plain aggregate statement on the rollup tables`,
  async run(ctx) {
    if (ctx.external) throw new Error("dashboard needs a fresh database: run it without DATABASE_URL");
    const { n } = ctx;
    const people = Math.max(1, Math.floor(n / MONTHS));
    await seedRegions();
    const regions = await prisma().region.findMany({ select: { code: true, level: true, parentCode: true }, orderBy: { code: "asc" } });
    const counties = regions.filter((r) => r.level === "county").map((r) => r.code);
    const now = currentPeriod();
    const periods = Array.from({ length: MONTHS }, (_, i) => addMonths(now, i - MONTHS + 1));
    const db = pool();
    // The requests at concurrency 4 leave up to 10 pooled connections; when the runner stops the
    // database, closeDb's pool.end() may not have closed them all yet, and the server's "terminating
    // connection" notice reaches an idle client: expected then, and not a failed benchmark.
    let finished = false;
    db.on("error", (e) => {
      if (!finished) ctx.log(`idle database connection failed: ${e}`);
    });

    // ---- setup: the source tables, set-based --------------------------------------------------------
    ctx.log(`setup: ${n.toLocaleString("en")} checks over ${people.toLocaleString("en")} pensioners in ${counties.length} counties, ${periods[0]}…${now}`);
    const setup = await timed(async () => {
      // Two kiosks a county.
      await db.query(
        `insert into kiosk_devices (id, region_code, name, location)
         select md5('d' || c || k)::uuid, c, c || ' 社保服务大厅 ' || k, 'bench' from unnest($1::text[]) c cross join generate_series(1, 2) k`,
        [counties],
      );
      const steps = MONTHS * 5 + 1;
      let done = 0;
      const step = () => ctx.progress("setup", ++done, steps);
      for (const [k, period] of periods.entries()) {
        const last = k === MONTHS - 1;
        // $1 pensioners, $2 counties, $3 the month, $4 its index; h: a stable pseudo-random 0..99 per
        // pensioner and month that decides the mix.
        const args = [people, counties, period, k];
        const h = `((i::bigint * 2654435761 + $4::bigint * 40503) % 100)`;
        const county = `($2::text[])[1 + i % cardinality($2::text[])]`;
        await db.query(
          `insert into kiosk_checks (id, pensioner_id, region_code, period, reason, status, due_on, failures)
           select gen_random_uuid(), md5('p' || i)::uuid, ${county}, $3,
                  (case when i % 10 = 0 then 'suspected' when i % 50 = 1 then 'officer' else 'cohort' end)::"CheckReason",
                  (case when ${last ? `${h} < 60 then 'scheduled' when ${h} < 65 then 'in_progress' when ${h} < 85` : `${h} < 80`} then 'passed'
                        when ${h} < 89 then 'failed' when ${h} < 95 then 'review' when ${h} < 99 then 'expired' else 'scheduled' end)::"CheckStatus",
                  $5::date, 0
             from generate_series(0, $1 - 1) i`,
          [...args, endOfNextMonth(period)],
        );
        step();
        await db.query(
          `insert into survival_statuses (pensioner_id, period, region_code, status, basis, s, t, model_version, evidence_refs)
           select md5('p' || i)::uuid, $3, ${county},
                  (case when ${h} < 1 then 'deceased' when ${h} < 2 then 'sentenced' when ${h} < 6 then 'suspected' else 'alive' end)::"SurvivalStatusValue",
                  case when ${h} < 1 then 'death' when ${h} < 2 then 'sentence' when ${h} < 6 then 'score' when ${h} < 55 then 'strong'
                       when ${h} < 85 then 'score' when ${h} < 97 then 'check' else 'manual' end,
                  0, 12, 'bench', '{}'
             from generate_series(0, $1 - 1) i`,
          args,
        );
        step();
        // Kiosk attempts: one a decided check for every tenth pensioner, on a kiosk of their county.
        await db.query(
          `insert into kiosk_attempts (id, check_id, pensioner_id, region_code, device_id, steps, locale, issued_at, expires_at, submitted_at, decision)
           select gen_random_uuid(), md5('c' || i || $3)::uuid, md5('p' || i)::uuid, x.c, md5('d' || x.c || (1 + i % 2))::uuid, '{blink,turn-left}', 'zh-CN',
                  x.t, x.t + interval '90 seconds', x.t + interval '40 seconds',
                  case when ${h} < 92 then 'pass' when ${h} < 94 then 'fail' else 'review' end
             from generate_series(0, $1 - 1, 10) i,
                  lateral (select ${county} c, $5::timestamptz + ((i / 10) % 27) * interval '1 day' + (i % 600) * interval '1 minute' t) x
            where ${h} < 97`,
          [...args, `${period}-01T00:00:00+08:00`],
        );
        step();
        // Cases: one pensioner in a hundred.
        await db.query(
          `insert into cases (id, pensioner_id, region_code, reason, status, period, outcome)
           select gen_random_uuid(), md5('p' || i)::uuid, ${county},
                  (case when ${h} < 20 then 'deceased' when ${h} < 30 then 'sentenced' when ${h} < 60 then 'check_review'
                        when ${h} < 80 then 'check_failed' else 'overdue' end)::"CaseReason",
                  (case when i % 3 = 2 then 'closed' else 'open' end)::"CaseStatus", $3,
                  (case when i % 3 = 2 then (array['confirm_alive','suspend','terminate'])[1 + (i / 3) % 3] end)::"CaseOutcome"
             from generate_series(0, $1 - 1, 100) i`,
          args,
        );
        step();
        // Fees: the month's assessments and kiosk checks, a record a county and kind (0.05 TKY a call).
        await db.query(
          `insert into fee_records (id, kind, period, region_code, count, amount, platform_share, provider_share, schedule_version, bdmi_call_id)
           select gen_random_uuid(), v.kind, $3, x.c, v.calls, v.calls * 5000000::bigint, 0, 0, 'bench', 'bench'
             from (select ${county} c, count(*) calls, count(*) filter (where i % 10 = 0) kiosk
                     from generate_series(0, $1 - 1) i group by 1) x,
                  lateral (values ('assessment', x.calls), ('liveness', x.kiosk)) v(kind, calls)`,
          [people, counties, period],
        );
        step();
      }
      // Payment holds: one pensioner in two hundred, stopped in one of the ten months.
      await db.query(
        `insert into payment_holds (id, pensioner_id, region_code, case_id, kind, cause, monthly_fen, start_period, savings_end_period, lifted_period)
         select gen_random_uuid(), md5('p' || i)::uuid, ($2::text[])[1 + i % cardinality($2::text[])], gen_random_uuid(),
                case when i % 3 = 0 then 'terminated' else 'suspended' end,
                case when i % 20 < 10 then 'deceased' when i % 20 < 17 then 'unverified' else 'sentenced' end,
                150000 + (i % 7) * 25000, s,
                case when i % 3 = 0 and i % 2 = 0 then to_char(to_date(s, 'YYYY-MM') + interval '2 months', 'YYYY-MM') end,
                case when i % 20 = 11 then to_char(to_date(s, 'YYYY-MM') + interval '1 month', 'YYYY-MM') end
           from generate_series(0, $1 - 1, 200) i, lateral (select ($3::text[])[1 + (i / 200) % cardinality($3::text[])] s) x`,
        [people, counties, periods],
      );
      step();
    });
    const sizes = await db.query<{ t: string; n: string }>(
      `select 'kiosk_checks' t, count(*)::text n from kiosk_checks union all select 'survival_statuses', count(*)::text from survival_statuses
       union all select 'kiosk_attempts', count(*)::text from kiosk_attempts union all select 'cases', count(*)::text from cases
       union all select 'fee_records', count(*)::text from fee_records union all select 'payment_holds', count(*)::text from payment_holds`,
    );
    ctx.log(`setup: ${setup.seconds.toFixed(1)} s (${sizes.rows.map((r) => `${r.t} ${Number(r.n).toLocaleString("en")}`).join(", ")})`);
    await db.query("analyze");

    // ---- the worker's cost: build the rollups from what the triggers marked -------------------------
    const refresh = await timed(() => refreshRollups());
    ctx.log(`rollups: ${refresh.value.rebuilt.length} (source, month) pairs rebuilt by refresh-rollups in ${refresh.seconds.toFixed(1)} s`);
    const again = await timed(() => refreshRollups());
    ctx.log(`rollups: the next tick (nothing written since) takes ${again.seconds.toFixed(1)} s`);
    await db.query("analyze");

    // ---- the requests: months × regions (whole scope, province, cities, counties) -------------------
    const actor: TActor = { userId: randomUUID(), role: "supervisor", regions: ["52"], requestId: null, ip: null };
    const cities = regions.filter((r) => r.level === "city").map((r) => r.code);
    const someCounties = counties.filter((_, i) => i % 4 === 0);
    const targets: (string | undefined)[] = [undefined, "52", ...cities, ...someCounties];
    const requests = Array.from({ length: REQUESTS }, (_, i) => ({ period: periods[(i * 7) % MONTHS]!, region: targets[(i * 13) % targets.length] }));
    const codesOf = (region: string | undefined) => (region ? regions.filter((r) => r.parentCode === region).map((r) => r.code) : ["52"]);

    // Both paths agree on the figures before anything is timed.
    for (const q of requests.slice(0, 12)) {
      const d = await getDashboard(actor, q);
      const f = (await db.query(FLOOR_SQL, [addMonths(q.period, -11), q.period, scopePatterns([q.region ?? "52"]), codesOf(q.region)])).rows[0];
      const month = (f.checks ?? []).find((c: { period: string }) => c.period === q.period);
      const save = (f.savings ?? []).find((s: { period: string }) => s.period === q.period);
      if (Number(month?.due ?? 0) !== d.checks.due || String(save?.fen ?? 0) !== d.savings.monthFen || String(f.cumulative ?? 0) !== d.savings.cumulativeFen) {
        throw new Error(`the dashboard and the floor disagree for ${JSON.stringify(q)}`);
      }
    }
    const sample = await getDashboard(actor, { period: periods[MONTHS - 2] });
    ctx.log(
      `${periods[MONTHS - 2]}, whole province: ${sample.checks.due.toLocaleString("en")} checks due, pass rate ${((sample.checks.passRate ?? 0) * 100).toFixed(1)} %, ` +
        `savings ¥${(Number(sample.savings.monthFen) / 100).toLocaleString("en")} (cumulative ¥${(Number(sample.savings.cumulativeFen) / 100).toLocaleString("en")}), ` +
        `${sample.fees.verified.toLocaleString("en")} verified, return ${sample.fees.returnRatio?.toFixed(1)}`,
    );

    // ---- timed ---------------------------------------------------------------------------------------
    for (const q of requests.slice(0, 40)) await getDashboard(actor, q); // warm-up (plans, region cache)
    const latencies: number[] = [];
    ctx.log(`timed: ${REQUESTS} dashboard requests at concurrency ${CONCURRENCY}`);
    const { seconds } = await timed(() =>
      poolN(requests, async (q) => {
        const t0 = performance.now();
        await getDashboard(actor, q);
        latencies.push(performance.now() - t0);
        ctx.progress("dashboard", latencies.length, REQUESTS);
      }),
    );
    const floorLat: number[] = [];
    for (const q of requests.slice(0, 40)) await db.query(FLOOR_SQL, [addMonths(q.period, -11), q.period, scopePatterns([q.region ?? "52"]), codesOf(q.region)]);
    const { seconds: floorSeconds } = await timed(() =>
      poolN(requests, async (q) => {
        const t0 = performance.now();
        await db.query(FLOOR_SQL, [addMonths(q.period, -11), q.period, scopePatterns([q.region ?? "52"]), codesOf(q.region)]);
        floorLat.push(performance.now() - t0);
        ctx.progress("floor", floorLat.length, REQUESTS);
      }),
    );
    const p95 = pct(latencies, 95);
    const p95Floor = pct(floorLat, 95);
    ctx.log(
      `dashboard: p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (target p95 ≤ ${TARGET_P95_MS} ms); ` +
        `floor: p50 ${pct(floorLat, 50).toFixed(1)} ms, p95 ${p95Floor.toFixed(1)} ms; ratio of p95s ${(p95 / p95Floor).toFixed(2)} (target ≤ 3)`,
    );
    finished = true;
    return { seconds, floorSeconds, p50Ms: pct(latencies, 50), p95Ms: p95, ratioToFloor: p95 / p95Floor };
  },
};
