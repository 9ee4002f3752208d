import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { TCurrentUser } from "../../auth/current-user";
import { GET } from "../../../app/api/v1/dashboard/route";
import { pool } from "../../db/client";
import { ZDashboard } from "../../domain/dashboard-contract";
import { holdSavingIn, type THoldForSavings } from "../../domain/case-machine";
import { addMonths } from "../../domain/period";
import { createUser, pensionerInput } from "../../../test/fixtures";
import { createPensioner } from "../pensioners/create-pensioner";
import { getDashboard } from "./get-dashboard";
import { refreshRollups } from "./refresh-rollups";

// A small roll worked by hand. The months (2011–2012) and the two counties are this file's own, so
// the shared test database's other rows never reach these figures (other files use 2020 and later). The clock is fixed at
// 2012-02-15 (CST): the current period is 2012-02, overdue means due before 2012-02-15.
const NOW = new Date("2012-02-15T12:00:00+08:00");
const KAILI = "522601"; // city 5226 (Qiandongnan)
const DUYUN = "522701"; // city 5227 (Qiannan)

// The holds, as written by hand (fen):
//  H1 Kaili, deceased suspension from 2011-11 at ¥3,000.00, still accruing
//  H2 Kaili, deceased termination from 2011-10 at ¥2,500.00, death certified in 2012-01 (savings end)
//  H3 Duyun, unverified suspension from 2011-12 at ¥2,000.00, lifted (reinstated) in 2012-02: saves nothing
//  H4 Duyun, sentenced suspension from 2011-09 at ¥4,000.00: not fraud, saves nothing
//  H5 Duyun, unverified suspension from 2012-01 at ¥1,800.00
const HOLDS: (THoldForSavings & { region: string; kind: "suspended" | "terminated" })[] = [
  { region: KAILI, kind: "suspended", cause: "deceased", monthlyFen: 300000n, startPeriod: "2011-11", savingsEndPeriod: null, liftedPeriod: null },
  { region: KAILI, kind: "terminated", cause: "deceased", monthlyFen: 250000n, startPeriod: "2011-10", savingsEndPeriod: "2012-01", liftedPeriod: null },
  { region: DUYUN, kind: "suspended", cause: "unverified", monthlyFen: 200000n, startPeriod: "2011-12", savingsEndPeriod: null, liftedPeriod: "2012-02" },
  { region: DUYUN, kind: "suspended", cause: "sentenced", monthlyFen: 400000n, startPeriod: "2011-09", savingsEndPeriod: null, liftedPeriod: null },
  { region: DUYUN, kind: "suspended", cause: "unverified", monthlyFen: 180000n, startPeriod: "2012-01", savingsEndPeriod: null, liftedPeriod: null },
];
// Month by month (province): 2011-10 H2 = 250000; 2011-11 and 2011-12 H1 + H2 = 550000;
// 2012-01 and 2012-02 H1 + H5 = 480000 (H2's savings ended with the certificate).
const MONTH_FEN: Record<string, string> = { "2011-09": "0", "2011-10": "250000", "2011-11": "550000", "2011-12": "550000", "2012-01": "480000", "2012-02": "480000" };

// The route's session is the only thing stood in for (withRoute, parsing and problem+json are real).
const session = vi.hoisted(() => ({ user: null as TCurrentUser | null }));
vi.mock("../../auth/current-user", () => ({ currentUser: async () => session.user }));

let supervisor: Awaited<ReturnType<typeof createUser>>;
let qiandongnan: Awaited<ReturnType<typeof createUser>>;
let holdIds: string[] = [];
let scheduledCheckId = "";

const dash = async (q: { period?: string; region?: string }, who = supervisor) => ZDashboard.parse(await getDashboard(who.actor, q, { now: NOW }));

beforeAll(async () => {
  supervisor = await createUser("supervisor", ["52"]);
  qiandongnan = await createUser("supervisor", ["5226"]);
  const clerk = await createUser("admin", ["52"]);
  const db = pool();
  holdIds = [];
  for (const h of HOLDS) {
    const p = await createPensioner(clerk.actor, await pensionerInput(h.region, { monthlyPensionFen: Number(h.monthlyFen) }), "zh-CN");
    const { rows } = await db.query<{ id: string }>(
      `insert into payment_holds (id, pensioner_id, region_code, case_id, kind, cause, monthly_fen, start_period, savings_end_period, lifted_period)
       values (gen_random_uuid(), $1, $2, gen_random_uuid(), $3, $4, $5, $6, $7, $8) returning id`,
      [p.id, h.region, h.kind, h.cause, h.monthlyFen.toString(), h.startPeriod, h.savingsEndPeriod, h.liftedPeriod],
    );
    holdIds.push(rows[0]!.id);
  }
  // Checks of 2012-01. Kaili: 2 passed, 1 failed, 1 scheduled due 2012-02-29, 1 scheduled due 2012-02-10 (overdue).
  // Duyun: 1 review, 1 expired, 1 in progress due 2012-02-01 (overdue), 1 passed.
  const checks: [string, string, string][] = [
    [KAILI, "passed", "2012-02-29"], [KAILI, "passed", "2012-02-29"], [KAILI, "failed", "2012-02-29"],
    [KAILI, "scheduled", "2012-02-29"], [KAILI, "scheduled", "2012-02-10"],
    [DUYUN, "review", "2012-02-29"], [DUYUN, "expired", "2012-01-31"], [DUYUN, "in_progress", "2012-02-01"], [DUYUN, "passed", "2012-02-29"],
  ];
  const ck = await db.query<{ id: string; status: string; due: string }>(
    `insert into kiosk_checks (id, pensioner_id, region_code, period, reason, status, due_on)
     select gen_random_uuid(), gen_random_uuid(), t.region, '2012-01', 'cohort', t.status::"CheckStatus", t.due::date
       from unnest($1::text[], $2::text[], $3::text[]) t(region, status, due)
     returning id, status::text, to_char(due_on, 'YYYY-MM-DD') as due`,
    [checks.map((c) => c[0]), checks.map((c) => c[1]), checks.map((c) => c[2])],
  );
  scheduledCheckId = ck.rows.find((r) => r.status === "scheduled" && r.due === "2012-02-29")!.id;
  // Statuses of 2012-01: passive = alive on the model's own evidence (score, strong), not a check or an officer.
  const statuses: [string, string, string][] = [
    [KAILI, "alive", "score"], [KAILI, "alive", "score"], [KAILI, "alive", "score"], [KAILI, "alive", "check"], [KAILI, "deceased", "death"],
    [DUYUN, "alive", "strong"], [DUYUN, "alive", "strong"], [DUYUN, "alive", "manual"],
  ];
  await db.query(
    `insert into survival_statuses (pensioner_id, period, region_code, status, basis, s, t, model_version, evidence_refs)
     select gen_random_uuid(), '2012-01', t.region, t.status::"SurvivalStatusValue", t.basis, 0, 12, 'test', '{}'
       from unnest($1::text[], $2::text[], $3::text[]) t(region, status, basis)`,
    [statuses.map((s) => s[0]), statuses.map((s) => s[1]), statuses.map((s) => s[2])],
  );
  // Fees of 2012-01: 5 TKY for 5 assessments in Kaili, 3 TKY for 2 kiosk checks in Duyun (base units, 10^8 a TKY).
  await db.query(
    `insert into fee_records (id, kind, period, region_code, count, amount, platform_share, provider_share, schedule_version, bdmi_call_id)
     values (gen_random_uuid(), 'assessment', '2012-01', $1, 5, 500000000, 0, 0, 'v1', 'c1'),
            (gen_random_uuid(), 'liveness', '2012-01', $2, 2, 300000000, 0, 0, 'v1', 'c2')`,
    [KAILI, DUYUN],
  );
  // Cases of 2012-01: a deceased case in Kaili (closed, suspended), a review and an overdue case in Duyun.
  await db.query(
    `insert into cases (id, pensioner_id, region_code, reason, status, period, outcome)
     values (gen_random_uuid(), gen_random_uuid(), $1, 'deceased', 'closed', '2012-01', 'suspend'),
            (gen_random_uuid(), gen_random_uuid(), $2, 'check_review', 'open', '2012-01', null),
            (gen_random_uuid(), gen_random_uuid(), $2, 'overdue', 'open', '2012-01', null)`,
    [KAILI, DUYUN],
  );
  // A kiosk in Kaili: three attempts in January (CST) and one at 00:30 on 1 February CST (16:30 UTC on the 31st).
  const dev = await db.query<{ id: string }>(
    `insert into kiosk_devices (id, region_code, name, location) values (gen_random_uuid(), $1, '凯里市社保大厅', '1F') returning id`,
    [KAILI],
  );
  await db.query(
    `insert into kiosk_attempts (id, check_id, pensioner_id, region_code, device_id, steps, locale, issued_at, expires_at, decision)
     select gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), $1, $2, '{blink}', 'zh-CN', t.at::timestamptz, t.at::timestamptz + interval '90 seconds', t.decision
       from unnest($3::text[], $4::text[]) t(at, decision)`,
    [KAILI, dev.rows[0]!.id, ["2012-01-05T02:00:00Z", "2012-01-05T03:00:00Z", "2012-01-20T03:00:00Z", "2012-01-31T16:30:00Z"], ["pass", "fail", "pass", "pass"]],
  );
  await refreshRollups({ now: NOW });
});

describe("the dashboard's rollups on a hand-computed roll", () => {
  it("savings month by month across the year boundary, cumulative and projected, by cause, and as holdSavingIn defines them", async () => {
    for (const [period, fen] of Object.entries(MONTH_FEN)) {
      const d = await dash({ period });
      expect(d.savings.monthFen, period).toBe(fen);
      expect(d.savings.projectedAnnualFen, period).toBe((BigInt(fen) * 12n).toString());
      // The domain's definition agrees, hold by hold.
      expect(HOLDS.reduce((s, h) => s + holdSavingIn(h, period, "2012-02"), 0n).toString(), period).toBe(fen);
    }
    const feb = await dash({});
    expect(feb.period).toBe("2012-02");
    expect(feb.savings).toEqual({
      monthFen: "480000",
      projectedAnnualFen: "5760000",
      cumulativeFen: "2310000", // 250000 + 550000 + 550000 + 480000 + 480000
      holds: 2,
      byCause: [
        { cause: "deceased", kind: "suspended", holds: 1, monthFen: "300000" },
        { cause: "unverified", kind: "suspended", holds: 1, monthFen: "180000" },
      ],
    });
    expect((await dash({ period: "2011-12" })).savings).toMatchObject({ cumulativeFen: "1350000", holds: 2 });
    expect((await dash({ period: "2011-12" })).savings.byCause).toEqual([
      { cause: "deceased", kind: "suspended", holds: 1, monthFen: "300000" },
      { cause: "deceased", kind: "terminated", holds: 1, monthFen: "250000" },
    ]);
  });

  it("breaks savings and checks down by region, drillable from province to county, with breadcrumbs", async () => {
    const dec = await dash({ period: "2011-12", region: "52" });
    expect(dec.region).toMatchObject({ code: "52", level: "province" });
    expect(dec.breadcrumbs.map((b) => b.code)).toEqual(["52"]);
    const cities = new Map(dec.byRegion.map((r) => [r.code, r]));
    expect(cities.size).toBe(10); // nine prefectures and Gui'an
    expect(cities.get("5226")).toMatchObject({ savingsFen: "550000", holds: 2, drillable: true });
    expect(cities.get("5227")).toMatchObject({ savingsFen: "0", holds: 0, drillable: true });

    const city = await dash({ period: "2012-01", region: "5226" });
    expect(city.region).toMatchObject({ code: "5226", level: "city", name: "黔东南苗族侗族自治州" });
    expect(city.breadcrumbs.map((b) => b.code)).toEqual(["52", "5226"]);
    expect(city.savings.monthFen).toBe("300000");
    const kaili = city.byRegion.find((r) => r.code === KAILI)!;
    expect(kaili).toEqual({
      code: KAILI, name: "凯里市", nameEn: expect.any(String), drillable: false,
      savingsFen: "300000", holds: 1, checksDue: 5, checksPassed: 2, checksOverdue: 1, passRate: 2 / 3, feesBase: "500000000",
    });
    expect(city.byRegion.filter((r) => r.code !== KAILI).every((r) => r.savingsFen === "0" && r.checksDue === 0)).toBe(true);

    const county = await dash({ period: "2012-01", region: DUYUN });
    expect(county.region).toMatchObject({ code: DUYUN, level: "county" });
    expect(county.breadcrumbs.map((b) => b.code)).toEqual(["52", "5227", DUYUN]);
    expect(county.byRegion).toEqual([]);
    expect(county.savings).toMatchObject({ monthFen: "180000", holds: 1, cumulativeFen: "180000" });
    expect(county.checks).toMatchObject({ due: 4, passed: 1, review: 1, expired: 1, inProgress: 1, overdue: 1, passRate: 1 / 3 });
  });

  it("counts checks, kiosk use, fees and their return, and manpower for the month", async () => {
    const d = await dash({ period: "2012-01", region: "52" });
    expect(d.checks).toEqual({
      due: 9, passed: 3, failed: 1, review: 1, expired: 1, overdue: 2, inProgress: 1, scheduled: 2,
      passRate: 0.5, // 3 ÷ (3 + 1 + 1 + 1)
      statusMix: [
        { status: "scheduled", n: 2 }, { status: "in_progress", n: 1 }, { status: "passed", n: 3 },
        { status: "failed", n: 1 }, { status: "review", n: 1 }, { status: "expired", n: 1 },
      ],
      kioskUsage: [{ deviceId: expect.any(String), name: "凯里市社保大厅", regionCode: KAILI, attempts: 3, passed: 2, failed: 1, review: 0 }],
    });
    expect(d.fees).toEqual({
      amountBase: "800000000", // 8 TKY
      calls: 7,
      verified: 8, // 5 passive + 3 kiosk passes
      costPerVerifiedBase: "100000000",
      tkyPriceFen: "50",
      returnRatio: 1200, // 480000 fen ÷ (8 TKY × 50 fen)
    });
    expect(d.manpower).toEqual({ passive: 5, kioskPassed: 3, officerCases: 3, noOfficerShare: 8 / 11 });
    // The attempt at 00:30 CST on 1 February is February's.
    expect((await dash({ period: "2012-02" })).checks.kioskUsage).toMatchObject([{ attempts: 1, passed: 1 }]);
    expect(d.refreshedAt).not.toBeNull();
  });

  it("draws a 12-month trend ending with the period", async () => {
    const d = await dash({ period: "2012-02", region: "52" });
    expect(d.trend.map((t) => t.period)).toEqual(Array.from({ length: 12 }, (_, i) => addMonths("2011-03", i)));
    expect(d.trend.map((t) => t.savingsFen)).toEqual(["0", "0", "0", "0", "0", "0", "0", "250000", "550000", "550000", "480000", "480000"]);
    expect(d.trend[10]).toEqual({
      period: "2012-01", savingsFen: "480000", holds: 2, checksDue: 9, checksPassed: 3, checksOverdue: 2, passRate: 0.5,
      feesBase: "800000000", passive: 5, kioskPassed: 3, officerCases: 3,
    });
    expect(d.trend[11]).toMatchObject({ checksDue: 0, passRate: null, feesBase: "0", passive: 0 });
  });

  it("a changed check marks its period dirty and the next refresh picks it up; a changed hold rebuilds the savings", async () => {
    await pool().query(`update kiosk_checks set status = 'passed' where id = $1`, [scheduledCheckId]);
    const dirty = await pool().query(`select source, rtrim(period) as period from rollup_dirty where source in ('checks', 'savings')`);
    expect(dirty.rows).toContainEqual({ source: "checks", period: "2012-01" });
    expect((await dash({ period: "2012-01", region: KAILI })).checks.passed).toBe(2); // not yet refreshed
    await refreshRollups({ now: NOW });
    const after = await dash({ period: "2012-01", region: KAILI });
    expect(after.checks).toMatchObject({ passed: 3, scheduled: 1, passRate: 3 / 4 });
    expect((await pool().query(`select 1 from rollup_dirty where source = 'checks' and period = '2012-01'`)).rowCount).toBe(0);

    // The lifted hold H3 is no longer lifted: its months from 2011-12 save again once rebuilt.
    await pool().query(`update payment_holds set lifted_period = null where id = $1`, [holdIds[2]]);
    expect((await pool().query(`select 1 from rollup_dirty where source = 'savings' and period = '*'`)).rowCount).toBe(1);
    await refreshRollups({ now: NOW });
    expect((await dash({ period: "2011-12" })).savings.monthFen).toBe("750000");
    expect((await dash({})).savings.cumulativeFen).toBe("2910000");
    await pool().query(`update payment_holds set lifted_period = '2012-02' where id = $1`, [holdIds[2]]);
    await refreshRollups({ now: NOW });
    expect((await dash({})).savings.cumulativeFen).toBe("2310000");
  });

  it("marks what the clock changes once a day: checks that fall overdue, a new month's savings", async () => {
    await pool().query(
      `insert into kiosk_checks (id, pensioner_id, region_code, period, reason, status, due_on)
       values (gen_random_uuid(), gen_random_uuid(), $1, '2011-12', 'officer', 'scheduled', '2012-02-20')`,
      [DUYUN],
    );
    await refreshRollups({ now: NOW });
    expect((await dash({ period: "2011-12", region: DUYUN })).checks).toMatchObject({ due: 1, scheduled: 1, overdue: 0 });
    // Nothing was written since; the clock alone moves to 2 March 2012. (A worker that another test
    // file ran on this database may have marked a later day with the real clock: start from ours.)
    await pool().query(
      `insert into rollup_state (source, refreshed_at) values ('clock', '2012-02-15T00:00:00+08:00')
       on conflict (source) do update set refreshed_at = excluded.refreshed_at`,
    );
    const march = new Date("2012-03-02T09:00:00+08:00");
    const r = await refreshRollups({ now: march });
    expect(r.rebuilt).toEqual(expect.arrayContaining([
      { source: "checks", period: "2011-12", rows: expect.any(Number) },
      { source: "savings", period: "2012-03", rows: 2 },
    ]));
    const atMarch = async (q: { period?: string; region?: string }) => ZDashboard.parse(await getDashboard(supervisor.actor, q, { now: march }));
    expect((await atMarch({ period: "2011-12", region: DUYUN })).checks.overdue).toBe(1);
    expect((await atMarch({})).savings).toMatchObject({ monthFen: "480000", cumulativeFen: "2790000" });
    // The same day again: nothing to do.
    expect((await refreshRollups({ now: march })).rebuilt).toEqual([]);
  });

  it("a refresh leaves a month's mark while a writer is still in flight on it, so the writer's rows are not lost", async () => {
    const before = (await dash({ period: "2012-01", region: DUYUN })).checks;
    await pool().query(`insert into rollup_dirty (source, period) values ('checks', '2012-01') on conflict do nothing`);
    const writer = await pool().connect();
    try {
      await writer.query("begin");
      // The mark already exists, so the writer's trigger adds none: only its shared lock protects it.
      await writer.query(`update kiosk_checks set status = 'passed' where period = '2012-01' and region_code = $1 and status = 'in_progress'`, [DUYUN]);
      const during = await refreshRollups({ now: NOW });
      expect(during.busy).toContainEqual({ source: "checks", period: "2012-01" });
      expect(during.rebuilt.map((p) => `${p.source}:${p.period}`)).not.toContain("checks:2012-01");
      await writer.query("commit");
    } finally {
      writer.release();
    }
    const after = await refreshRollups({ now: NOW });
    expect(after.rebuilt).toContainEqual({ source: "checks", period: "2012-01", rows: expect.any(Number) });
    expect((await dash({ period: "2012-01", region: DUYUN })).checks).toMatchObject({
      passed: before.passed + 1, inProgress: before.inProgress - 1, overdue: before.overdue - 1,
    });
  });

  it("keeps to the caller's regions and refuses future months", async () => {
    const mine = await dash({ period: "2012-01" }, qiandongnan);
    expect(mine.region).toBeNull();
    expect(mine.breadcrumbs).toEqual([]);
    expect(mine.byRegion.map((r) => r.code)).toEqual(["5226"]);
    expect(mine.savings.monthFen).toBe("300000");
    expect(mine.checks.due).toBe(5);
    expect((await dash({ period: "2012-01", region: KAILI }, qiandongnan)).breadcrumbs.map((b) => b.code)).toEqual(["5226", KAILI]);
    for (const region of ["5227", DUYUN, "52"]) {
      await expect(getDashboard(qiandongnan.actor, { period: "2012-01", region }, { now: NOW })).rejects.toMatchObject({
        code: "FORBIDDEN",
        fieldErrors: [{ path: "query.region", message: "regionOutOfScope" }],
      });
    }
    await expect(getDashboard(supervisor.actor, { region: "529999" }, { now: NOW })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: [{ path: "query.region", message: "regionUnknown" }],
    });
    await expect(getDashboard(supervisor.actor, { period: "2012-03" }, { now: NOW })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: [{ path: "query.period", message: "periodInFuture" }],
    });
  });

  it("serves GET /api/v1/dashboard to supervisors, with problem+json field paths for bad input", async () => {
    const get = (query: string) => GET(new NextRequest(`http://localhost/api/v1/dashboard?${query}`), { params: Promise.resolve({}) });
    const as = (u: Awaited<ReturnType<typeof createUser>>, role: TCurrentUser["role"], regions: string[]) => {
      session.user = { userId: u.id, sessionId: "s", username: u.username, displayName: u.username, role, regions, setup: null, hasSecondFactor: true };
    };
    as(supervisor, "supervisor", ["52"]);
    const ok = await get("period=2012-01&region=5226");
    expect(ok.status).toBe(200);
    const body = ZDashboard.parse(await ok.json());
    expect(body).toMatchObject({ period: "2012-01", region: { code: "5226", level: "city" }, savings: { monthFen: "300000" } });

    const problems = async (query: string) => {
      const r = await get(query);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      const p = (await r.json()) as { errors?: { path: string }[] };
      return { status: r.status, paths: (p.errors ?? []).map((e) => e.path) };
    };
    expect(await problems("period=2012-13")).toEqual({ status: 400, paths: ["query.period"] });
    expect(await problems("period=2999-01")).toEqual({ status: 400, paths: ["query.period"] });
    expect(await problems("region=52x")).toEqual({ status: 400, paths: ["query.region"] });
    as(qiandongnan, "supervisor", ["5226"]);
    expect(await problems("region=5227")).toEqual({ status: 403, paths: ["query.region"] });
    const officer = await createUser("officer", ["52"]);
    as(officer, "officer", ["52"]);
    expect(await problems("period=2012-01")).toEqual({ status: 403, paths: [] });
    session.user = null;
    expect((await get("period=2012-01")).status).toBe(401);
  });
});
