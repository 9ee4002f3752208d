import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { childEnv } from "../../env.js";
import { pool, prisma } from "../../db/client";
import { ageAtPeriodStart } from "../../domain/period";
import { configuredServiceKeys, startBdmiService, type TBdmiService } from "../../bdmi/service/start";
import { createUser, pensionerInput, seedRoll, uniqueNationalId } from "../../../test/fixtures";
import { enrolSubjects, type TEnrolJob } from "../bdmi/enrol-subjects";
import { createPensioner } from "../pensioners/create-pensioner";
import { configuredEndpoint, createBdmiClient, type TBdmiClient } from "../bdmi/bdmi-client";
import { processMonthlyRun, type TProcessOptions } from "./process-monthly-run";
import { startMonthlyRun } from "./start-monthly-run";

// The monthly run end to end: real Postgres, the reference BDMI service over real HTTP with signed
// requests, and (for the kill test) the real worker process.

const at = (period: string, day = 10) => `${period}-${String(day).padStart(2, "0")}T02:00:00.000Z`;

async function startBdmi(port = 0): Promise<TBdmiService> {
  return startBdmiService({
    databaseUrl: inject("databaseUrl"),
    ...configuredServiceKeys(),
    port,
  });
}

function clientFor(url: string, o: { retries?: number } = {}): TBdmiClient {
  return createBdmiClient({ ...configuredEndpoint(), baseUrl: url }, { retries: o.retries ?? 1, timeoutMs: 10_000, breakerThreshold: 3, halfOpenAfterMs: 200 });
}

async function postFeed(c: TBdmiClient, feedId: string, items: object[]) {
  const { bdmiExchange } = await import("../../bdmi/transport");
  const r = await bdmiExchange(c.endpoint, {
    method: "POST",
    pathWithQuery: `/v1/evidence/feeds?feedId=${encodeURIComponent(feedId)}`,
    body: items.map((i) => JSON.stringify(i)).join("\n"),
    contentType: "application/x-ndjson",
  });
  expect(r.status, r.body.toString()).toBe(200);
  return r.json() as { accepted: number; notEnrolled: number };
}

const options = (bdmi: TBdmiClient, over: Partial<TProcessOptions> = {}): TProcessOptions => ({
  workerId: `test-${Math.random()}`,
  bdmi,
  batchSize: 150,
  concurrency: 2,
  leaseSeconds: 30,
  retryAfterSeconds: 0,
  ...over,
});

async function pensionersOf(county: string) {
  return (
    await pool().query<{ id: string; birth: string }>(
      `select id, to_char(birth_date, 'YYYY-MM-DD') as birth from pensioners where region_code = $1 and payment_status <> 'terminated'`,
      [county],
    )
  ).rows;
}

/** Every member has exactly one status for the period, and fees add up to one charge each. */
async function expectExactlyOnce(runId: string, county: string, period: string, bdmiPool: TBdmiService["pool"]) {
  const members = await pensionersOf(county);
  const st = await pool().query<{ n: string; distinct_n: string }>(
    `select count(*) as n, count(distinct pensioner_id) as distinct_n from survival_statuses where period = $1 and region_code = $2`,
    [period, county],
  );
  expect(Number(st.rows[0]!.n)).toBe(members.length);
  expect(Number(st.rows[0]!.distinct_n)).toBe(members.length);
  const fees = await pool().query<{ n: string; amount: string }>(`select coalesce(sum(count),0) as n, coalesce(sum(amount),0)::text as amount from fee_records where run_id = $1`, [runId]);
  expect(Number(fees.rows[0]!.n)).toBe(members.length);
  expect(BigInt(fees.rows[0]!.amount)).toBe(300_000_000n * BigInt(members.length));
  // BDMI's own call log: each member charged once, however many times a batch was retried.
  const calls = await bdmiPool.query<{ n: string }>(`select coalesce(sum(count),0) as n from bdmi.calls where idempotency_key like $1`, [`run:${runId}:%`]);
  expect(Number(calls.rows[0]!.n)).toBe(members.length);
  const run = await prisma().monthlyRun.findUniqueOrThrow({ where: { id: runId } });
  expect(run.state).toBe("completed");
  expect(run.done).toBe(members.length);
  expect(run.batchesDone).toBe(run.batchesTotal);
}

describe("monthly run", () => {
  let bdmi: TBdmiService;
  let client: TBdmiClient;

  beforeAll(async () => {
    bdmi = await startBdmi();
    client = clientFor(bdmi.url);
  });
  afterAll(async () => {
    await bdmi?.close();
  });

  it("assesses every pensioner once, records transitions, checks, cases, fees and audit; a second start joins the first", async () => {
    const county = "522601";
    const period = "2026-03";
    const ids = await seedRoll(county, 1000);
    await client.enrolSubjects(ids);
    const [dead, sentenced, checkFailed, strong] = ids as [string, string, string, string];
    await postFeed(client, `int:${county}:${period}`, [
      { nationalId: dead, source: "03", item: "01", result: 1, at: at(period, 5) },
      { nationalId: sentenced, source: "06", item: "01", result: 1, at: at(period, 6) },
      { nationalId: checkFailed, source: "01", item: "01", result: 0, at: at(period, 7) },
      { nationalId: strong, source: "07", item: "01", result: 1, at: at(period, 8) },
    ]);
    const officer = await createUser("officer", ["5226"]);
    const { run, joined } = await startMonthlyRun(officer.actor, { period, regionCodes: [county] });
    expect(joined).toBe(false);
    expect(run.state).toBe("scheduled");
    const again = await startMonthlyRun(officer.actor, { period, regionCodes: [county] });
    expect(again.joined).toBe(true);
    expect(again.run.id).toBe(run.id);

    expect(await processMonthlyRun(run.id, options(client))).toBe("completed");
    await expectExactlyOnce(run.id, county, period, bdmi.pool);

    const byNational = async (nid: string) => {
      const { piiHmac } = await import("../pensioners/pii-crypto");
      return prisma().pensioner.findFirstOrThrow({ where: { idHmac: piiHmac(nid) }, select: { id: true } });
    };
    const status = async (nid: string) =>
      prisma().survivalStatus.findFirstOrThrow({ where: { pensionerId: (await byNational(nid)).id, period } });
    expect((await status(dead)).status).toBe("deceased");
    expect((await status(dead)).evidenceRefs.length).toBe(1);
    expect((await status(sentenced)).status).toBe("sentenced");
    expect((await status(checkFailed)).status).toBe("suspected");
    expect((await status(strong)).basis).toBe("strong");
    const plain = await status(ids[10]!);
    expect([plain.status, plain.basis, plain.s, plain.t]).toEqual(["alive", "score", 0, 8]);

    const members = await pensionersOf(county);
    const cohort = members.filter((m) => ageAtPeriodStart(m.birth, period) >= 80).map((m) => m.id);
    const checks = await prisma().kioskCheck.findMany({ where: { runId: run.id }, select: { pensionerId: true, reason: true, dueOn: true } });
    const suspectedId = (await byNational(checkFailed)).id;
    const deadId = (await byNational(dead)).id;
    const sentencedId = (await byNational(sentenced)).id;
    expect(checks.filter((c) => c.reason === "suspected").map((c) => c.pensionerId)).toEqual([suspectedId]);
    // The cohort: everyone 80 or over who is alive or suspected (the suspected one has their check already).
    const expectedCohort = cohort.filter((id) => id !== suspectedId && id !== deadId && id !== sentencedId).sort();
    expect(checks.filter((c) => c.reason === "cohort").map((c) => c.pensionerId).sort()).toEqual(expectedCohort);
    expect(checks[0]!.dueOn.toISOString().slice(0, 10)).toBe("2026-04-30");

    const cases = await prisma().case.findMany({ where: { runId: run.id }, select: { pensionerId: true, reason: true } });
    expect(cases.sort((a, b) => a.reason.localeCompare(b.reason))).toEqual([
      { pensionerId: deadId, reason: "deceased" },
      { pensionerId: sentencedId, reason: "sentenced" },
    ]);

    const audits = await prisma().auditEvent.groupBy({ by: ["action"], where: { requestId: `run:${run.id}` }, _count: true });
    const count = (a: string) => audits.find((x) => x.action === a)?._count ?? 0;
    expect(count("survival.transition")).toBe(3);
    expect(count("case.opened")).toBe(2);
    expect(count("run.started")).toBe(1);
    expect(count("run.completed")).toBe(1);
    const done = await prisma().monthlyRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(count("run.batch")).toBe(done.batchesTotal);
    expect(done.checksScheduled).toBe(checks.length);
    expect(done.outcome).toMatchObject({ status: { deceased: 1, sentenced: 1, suspected: 1 }, transitions: { "new>deceased": 1, "new>sentenced": 1, "new>suspected": 1 } });

    // Working a completed run again changes nothing.
    expect(await processMonthlyRun(run.id, options(client))).toBe("busy");
    await expectExactlyOnce(run.id, county, period, bdmi.pool);
  });

  it("a status another run commits while a batch is at BDMI is kept: the batch's COPY is refused and the batch is written row by row, skipping that one", async () => {
    const county = "522625";
    const period = "2026-03";
    const ids = await seedRoll(county, 400);
    await client.enrolSubjects(ids);
    const officer = await createUser("officer", ["5226"]);
    const { run } = await startMonthlyRun(officer.actor, { period, regionCodes: [county] });
    let raced: string | null = null;
    // BDMI answers only after an overlapping run's status for the batch's first member has committed.
    const racing: TBdmiClient = {
      ...client,
      assess: async (req) => {
        if (!raced) {
          raced = req.items[0]!.ref;
          await pool().query(
            `insert into survival_statuses (pensioner_id, period, region_code, status, basis, s, t, model_version, evidence_refs)
             values ($1, $2, $3, 'alive', 'strong', 0, 12, '1', '{}')`,
            [raced, period, county],
          );
        }
        return client.assess(req);
      },
    };
    expect(await processMonthlyRun(run.id, options(racing, { batchSize: 250 }))).toBe("completed");
    const members = await pensionersOf(county);
    const st = await pool().query<{ n: number; distinct_n: number; ours: number }>(
      `select count(*)::int as n, count(distinct pensioner_id)::int as distinct_n, (count(*) filter (where run_id = $3))::int as ours
         from survival_statuses where period = $1 and region_code = $2`,
      [period, county, run.id],
    );
    expect(st.rows[0]).toEqual({ n: members.length, distinct_n: members.length, ours: members.length - 1 });
    const kept = await prisma().survivalStatus.findFirstOrThrow({ where: { pensionerId: raced!, period } });
    expect([kept.runId, kept.basis]).toEqual([null, "strong"]);
    const done = await prisma().monthlyRun.findUniqueOrThrow({ where: { id: run.id } });
    expect([done.state, done.done, done.batchesDone]).toEqual(["completed", members.length - 1, done.batchesTotal]);
    const batches = await prisma().runBatch.findMany({ where: { runId: run.id }, orderBy: { batchNo: "asc" }, select: { assessed: true } });
    expect(batches.reduce((a, b) => a + b.assessed, 0)).toBe(members.length - 1);
  });

  it("enrols a new pensioner with BDMI through the outbox, so evidence about them is kept before their first run", async () => {
    const officer = await createUser("officer", ["5226"]);
    const input = await pensionerInput("522624");
    const p = await createPensioner(officer.actor, input, "zh-CN");
    const jobs = await pool().query<{ data: TEnrolJob }>(`select data from pgboss.job where name = 'bdmi.enrol-subjects' and data->'pensionerIds' ? $1`, [p.id]);
    expect(jobs.rowCount).toBe(1);
    const item = (nationalId: string) => ({ nationalId, source: "07", item: "01", result: 1, at: at("2026-03") });
    expect(await postFeed(client, `int:enrol:before:${p.id}`, [item(input.nationalId)])).toMatchObject({ accepted: 0, notEnrolled: 1 });

    expect(await enrolSubjects(jobs.rows[0]!.data, client)).toEqual({ sent: 1, added: 1 });
    const outsider = (await uniqueNationalId("522624")).id;
    expect(await postFeed(client, `int:enrol:after:${p.id}`, [item(input.nationalId), item(outsider)])).toMatchObject({ accepted: 1, notEnrolled: 1 });
    // Enrolling again (a retried job) changes nothing.
    expect(await enrolSubjects(jobs.rows[0]!.data, client)).toEqual({ sent: 1, added: 0 });
  });

  it("refuses regions outside the caller's scope and future periods, with field paths", async () => {
    const officer = await createUser("officer", ["5226"]);
    await expect(startMonthlyRun(officer.actor, { period: "2026-03", regionCodes: ["520102"] })).rejects.toMatchObject({
      code: "FORBIDDEN",
      fieldErrors: [{ path: "body.regionCodes.0" }],
    });
    await expect(startMonthlyRun(officer.actor, { period: "2099-01", regionCodes: [] })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: [{ path: "body.period" }],
    });
  });

  it("pauses when BDMI goes down mid-run and resumes where it stopped when BDMI is back", async () => {
    const county = "522622";
    const period = "2026-04";
    await seedRoll(county, 900);
    const own = await startBdmi();
    const port = own.port;
    const base = clientFor(own.url);
    let calls = 0;
    let service: TBdmiService | null = own;
    const flaky: TBdmiClient = {
      ...base,
      assess: async (req) => {
        calls++;
        // The outage: BDMI stops after answering two batches.
        if (calls === 3 && service) {
          await service.close();
          service = null;
        }
        return base.assess(req);
      },
    };
    const officer = await createUser("officer", ["5226"]);
    const { run } = await startMonthlyRun(officer.actor, { period, regionCodes: [county] });
    expect(await processMonthlyRun(run.id, options(flaky, { concurrency: 1 }))).toBe("paused");
    const paused = await prisma().monthlyRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(paused.state).toBe("paused");
    expect(paused.pausedReason).toMatch(/BDMI/);
    expect(paused.batchesDone).toBe(2);
    expect(paused.done).toBe(300);

    // Still down: trying again pauses again and loses nothing.
    expect(await processMonthlyRun(run.id, options(flaky, { concurrency: 1 }))).toBe("paused");
    expect((await prisma().monthlyRun.findUniqueOrThrow({ where: { id: run.id } })).done).toBe(300);

    service = await startBdmi(port);
    try {
      // A fresh client: the old one's breaker would still be open for a moment.
      expect(await processMonthlyRun(run.id, options(clientFor(service.url)))).toBe("completed");
      await expectExactlyOnce(run.id, county, period, service.pool);
      const audits = await prisma().auditEvent.count({ where: { requestId: `run:${run.id}`, action: { in: ["run.paused", "run.resumed"] } } });
      expect(audits).toBe(4);
    } finally {
      await service.close();
    }
  });

  it("a worker killed mid-run is replaced and the run ends with every pensioner assessed exactly once", async () => {
    const county = "522623";
    const period = "2026-05";
    await seedRoll(county, 3000);
    const officer = await createUser("officer", ["5226"]);
    const { run } = await startMonthlyRun(officer.actor, { period, regionCodes: [county] });

    const spawnWorker = (): ChildProcess =>
      spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/worker/main.ts"], {
        env: childEnv({ DATABASE_URL: inject("databaseUrl"), PENSION_EMBEDDED: "0", BDMI_URL: bdmi.url, RUN_BATCH_SIZE: "50", RUN_LEASE_SECONDS: "2", LOG_LEVEL: "warn" }),
        stdio: ["ignore", "inherit", "inherit"],
      });
    const progress = async () => prisma().monthlyRun.findUniqueOrThrow({ where: { id: run.id }, select: { state: true, batchesDone: true, batchesTotal: true } });
    const waitFor = async (pred: (p: Awaited<ReturnType<typeof progress>>) => boolean, ms: number) => {
      const end = Date.now() + ms;
      for (;;) {
        const p = await progress();
        if (pred(p)) return p;
        if (Date.now() > end) throw new Error(`timed out; run at ${JSON.stringify(p)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    const first = spawnWorker();
    const exited = new Promise((r) => first.once("exit", r));
    const before = await waitFor((p) => p.batchesDone >= 5, 60_000);
    first.kill("SIGKILL");
    await exited;
    const atKill = await progress();
    expect(atKill.state).not.toBe("completed");
    expect(atKill.batchesDone).toBeLessThan(atKill.batchesTotal);
    expect(before.batchesTotal).toBe(60);

    const second = spawnWorker();
    try {
      await waitFor((p) => p.state === "completed", 90_000);
    } finally {
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
    }
    await expectExactlyOnce(run.id, county, period, bdmi.pool);
  });
});
