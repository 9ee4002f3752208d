import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, pool, prisma, useDatabaseUrl } from "./client";
import { startEmbeddedPostgres, type TDatabase } from "./embedded";
import { migrate } from "./migrate";
import { env } from "../env.js";
import { isDbUnavailable } from "../server/db-unavailable";
import { createUser, seedRoll } from "../../test/fixtures";
import { configuredServiceKeys, startBdmiService } from "../bdmi/service/start";
import { configuredEndpoint, createBdmiClient } from "../server/bdmi/bdmi-client";
import { processMonthlyRun } from "../server/runs/process-monthly-run";
import { startMonthlyRun } from "../server/runs/start-monthly-run";
import { Readable } from "node:stream";
import { demoRollCsv } from "./demo-roll";
import { importRoll } from "../server/imports/import-roll";
import { systemActor } from "../server/actor";
import { createEmbeddedLedger } from "../server/ledger/embedded-ledger";
import { ensureLedgerAccounts } from "../server/ledger/ensure-ledger-accounts";
import { fundBureauAccount } from "../server/ledger/fund-bureau-account";
import { TKY } from "../server/ledger/ledger-accounts";
import { settleDueFees } from "../server/ledger/settle-due-fees";

// PostgreSQL restarted (fast stop, start) under the app: while it is away a request answers 503
// problem+json within the connect timeout (never a hang), and afterwards the same pools serve
// again by themselves. A cluster of this file's own, so the suite's database stays up.

const session: { user: unknown } = { user: null };
vi.mock("../auth/current-user", () => ({ currentUser: async () => session.user }));

let dir: string;
let db: TDatabase;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pg-restart-"));
  db = await startEmbeddedPostgres(dir);
  port = Number(new URL(db.url).port);
  await migrate(db.url);
  await closeDb();
  useDatabaseUrl(db.url);
}, 120_000);

afterAll(async () => {
  await closeDb();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a database restart", () => {
  it("answers 503 problem+json with Retry-After while PostgreSQL is down, and serves again once it is back", async () => {
    const { GET } = await import("../../app/api/v1/users/route");
    const admin = await prisma().user.create({ data: { username: "restart-admin", displayName: "a", role: "admin", passwordHash: "x", totpEnabledAt: new Date() }, select: { id: true } });
    await prisma().region.create({ data: { code: "52", name: "贵州省", nameEn: "Guizhou", level: "province" } });
    await prisma().userRegion.create({ data: { userId: admin.id, regionCode: "52" } });
    session.user = { userId: admin.id, sessionId: "s", username: "restart-admin", displayName: "a", role: "admin", regions: ["52"], setup: null, hasSecondFactor: true };
    const list = () => GET(new NextRequest("http://localhost/api/v1/users"), { params: Promise.resolve({}) });
    expect((await list()).status).toBe(200);
    expect((await pool().query("select 1 as one")).rows).toEqual([{ one: 1 }]);

    await db.stop();
    const started = Date.now();
    const down = await list();
    expect(down.status).toBe(503);
    expect(down.headers.get("content-type")).toContain("application/problem+json");
    expect(down.headers.get("retry-after")).toBe("5");
    expect(await down.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503 });
    expect(Date.now() - started).toBeLessThan(env.DB_CONNECT_TIMEOUT_MS + 3000);
    const raw = await pool().query("select 1").then(() => null, (e: unknown) => e);
    expect(isDbUnavailable(raw)).toBe(true);

    db = await startEmbeddedPostgres(dir, () => {}, { port });
    // The same pools, no restart of ours: the first queries after the outage succeed.
    expect((await pool().query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    const back = await list();
    expect(back.status).toBe(200);
    expect(((await back.json()) as { users: { username: string }[] }).users.map((u) => u.username)).toEqual(["restart-admin"]);
  }, 120_000);

  it("in the middle of a monthly run: the run resumes after the restart and assesses and charges every pensioner exactly once", async () => {
    const county = "520103";
    const bdmi = await startBdmiService({ databaseUrl: db.url, ...configuredServiceKeys(), port: 0 });
    try {
      const client = createBdmiClient({ ...configuredEndpoint(), baseUrl: bdmi.url }, { retries: 1, timeoutMs: 10_000, breakerThreshold: 3, halfOpenAfterMs: 200 });
      const ids = await seedRoll(county, 1000);
      await client.enrolSubjects(ids);
      const officer = await createUser("officer", ["52"]);
      const { run } = await startMonthlyRun(officer.actor, { period: "2026-03", regionCodes: [county] });
      const opts = { workerId: "restart-worker", bdmi: client, batchSize: 50, concurrency: 1, leaseSeconds: 30, retryAfterSeconds: 0 };
      const batchesDone = async () => Number((await pool().query<{ n: number }>(`select batches_done as n from monthly_runs where id = $1`, [run.id])).rows[0]!.n);

      const first = processMonthlyRun(run.id, opts).then((r) => r, (e: unknown) => e);
      await expect.poll(batchesDone, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(3);
      await db.stop();
      const interrupted = await first;
      expect(interrupted).not.toBe("completed");
      db = await startEmbeddedPostgres(dir, () => {}, { port });

      // What the worker's retry does: the same run again (same worker, its lease), until it completes.
      let outcome: unknown = null;
      for (let i = 0; i < 20 && outcome !== "completed"; i++) {
        outcome = await processMonthlyRun(run.id, opts).catch((e: unknown) => e);
        if (outcome !== "completed") await new Promise((r) => setTimeout(r, 300));
      }
      expect(outcome).toBe("completed");

      // Every pensioner of the county still paid (the demo roll has some terminated ones).
      const members = (await pool().query<{ n: string }>(`select count(*)::text as n from pensioners where region_code = $1 and payment_status <> 'terminated'`, [county])).rows[0]!.n;
      expect(Number(members)).toBeGreaterThan(900);
      const st = await pool().query<{ n: string; d: string }>(`select count(*) as n, count(distinct pensioner_id) as d from survival_statuses where period = '2026-03' and region_code = $1`, [county]);
      expect(st.rows[0]).toEqual({ n: members, d: members });
      const fees = await pool().query<{ n: string }>(`select coalesce(sum(count), 0)::text as n from fee_records where run_id = $1`, [run.id]);
      expect(fees.rows[0]!.n).toBe(members);
      const calls = await bdmi.pool.query<{ n: string }>(`select coalesce(sum(count), 0)::text as n from bdmi.calls where idempotency_key like $1`, [`run:${run.id}:%`]);
      expect(calls.rows[0]!.n).toBe(members);
    } finally {
      await bdmi.close();
    }
  }, 180_000);

  it("in the middle of a roll import: nothing of the file is kept, and the same file imports whole afterwards", async () => {
    const admin = await createUser("admin", ["52"]);
    const county = "520111";
    const inCounty = async () => Number((await pool().query<{ n: string }>(`select count(*)::text as n from pensioners where region_code = $1`, [county])).rows[0]!.n);
    const lines = [...demoRollCsv(40_000, [county], 7)];
    const first = await prisma().rollImport.create({ data: { userId: admin.id, fileName: "restart.csv" }, select: { id: true } });
    const importing = importRoll(admin.actor, first.id, Readable.from(lines)).then((r) => r, (e: unknown) => e);
    // Stop the server while the rows stream in (the import's COPY is running).
    await expect.poll(async () => (await pool().query(`select 1 from pg_stat_activity where query ilike 'copy %' and state = 'active'`)).rowCount, { timeout: 30_000, interval: 10 }).toBeGreaterThan(0);
    await db.stop();
    const r = await importing;
    expect(r).toBeInstanceOf(Error);
    db = await startEmbeddedPostgres(dir, () => {}, { port });
    expect(await inCounty()).toBe(0);

    const again = await prisma().rollImport.create({ data: { userId: admin.id, fileName: "restart.csv" }, select: { id: true } });
    const done = await importRoll(admin.actor, again.id, Readable.from(lines));
    expect(done.rowsRejected).toBe(0);
    expect(await inCounty()).toBe(40_000);
  }, 180_000);

  it("in the middle of a settlement pass: every fee batch the monthly run left settles exactly once after the restart", async () => {
    // The monthly run above left one queued settlement per batch, paid by bureau:52.
    const due = async () => Number((await pool().query<{ n: string }>(`select count(*)::text as n from settlements where state not in ('final', 'failed')`)).rows[0]!.n);
    expect(await due()).toBeGreaterThan(10);
    await ensureLedgerAccounts(["52"]);
    await fundBureauAccount(systemActor(), { province: "52", amount: 1_000_000n * TKY, key: "restart-fund" });
    const adapter = createEmbeddedLedger();
    const opts = { workerId: "restart-settler", adapter, batchSize: 2, leaseSeconds: 1, maxBackoffSeconds: 1, backoffBaseMs: 50 };
    let stopLoop = false;
    const loop = (async () => {
      const errors: unknown[] = [];
      while (!stopLoop) {
        await settleDueFees(opts).catch((e: unknown) => errors.push(e));
        await new Promise((r) => setTimeout(r, 20));
      }
      return errors;
    })();
    await expect.poll(async () => Number((await pool().query<{ n: string }>(`select count(*)::text as n from settlements where state = 'final'`)).rows[0]!.n), { timeout: 30_000, interval: 5 }).toBeGreaterThan(2);
    await db.stop();
    await new Promise((r) => setTimeout(r, 500));
    db = await startEmbeddedPostgres(dir, () => {}, { port });
    await expect.poll(due, { timeout: 60_000, interval: 200 }).toBe(0);
    stopLoop = true;
    const errors = await loop;
    expect(errors.some((e) => isDbUnavailable(e))).toBe(true);

    const once = await pool().query<{ key: string; transfers: string; audits: string; unsettled: string }>(
      `select s.idempotency_key as key,
              (select count(*) from ledger_transfers t where t.idempotency_key = s.idempotency_key)::text as transfers,
              (select count(*) from audit_events a where a.action = 'fee.settled' and a.target_id = s.id::text)::text as audits,
              (select count(*) from fee_records f where f.settlement_id = s.id and f.settled_at is null)::text as unsettled
         from settlements s`,
    );
    for (const r of once.rows) expect(r, r.key).toMatchObject({ transfers: "1", audits: "1", unsettled: "0" });
    const paid = await pool().query<{ paid: string; fees: string }>(
      `select (select -sum(p.amount) from ledger_postings p where p.account = 'bureau:52' and p.amount < 0)::text as paid,
              (select sum(amount) from fee_records where settlement_id is not null)::text as fees`,
    );
    expect(paid.rows[0]!.paid).toBe(paid.rows[0]!.fees);
  }, 180_000);
});
