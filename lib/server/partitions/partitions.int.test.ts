import { randomBytes, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { pool, prisma } from "../../db/client";
import { addMonths, currentPeriod } from "../../domain/period";
import { createUser, pensionerInput } from "../../../test/fixtures";
import { systemActor } from "../actor";
import { createPensioner } from "../pensioners/create-pensioner";
import { detachPeriodPartitions } from "./detach-period-partitions";
import { ensurePeriodPartitions, upcomingPeriods } from "./ensure-period-partitions";

const COUNTY = "520102";
const TABLES = ["survival_statuses", "kiosk_checks", "case_events", "cases", "fee_records", "kiosk_attempts", "audit_events"];
const DATA_TABLES = TABLES.filter((t) => t !== "audit_events");

/** The partitions attached to each table, by name. */
async function attached(suffix: string): Promise<string[]> {
  const { rows } = await pool().query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
      where p.relname = any($1) and c.relname like $2 order by 1`,
    [TABLES, `%\\_${suffix}`],
  );
  return rows.map((r) => r.name);
}

const where = async (table: string, id: string) =>
  (await pool().query<{ part: string }>(`select tableoid::regclass::text as part from ${table} where id = $1`, [id])).rows.map((r) => r.part);

let pensionerId: string;
let deviceId: string;

beforeAll(async () => {
  const admin = await createUser("admin", ["52"]);
  pensionerId = (await createPensioner(admin.actor, await pensionerInput(COUNTY), "zh-CN")).id;
  deviceId = (await prisma().kioskDevice.create({ data: { regionCode: COUNTY, name: "分区终端", location: "政务中心", tokenHash: randomBytes(32) }, select: { id: true } })).id;
});

/** A month of everything: a passed check with its attempt, a closed case with an event, a settled fee, a status. */
async function monthOfRows(period: string, o: { caseStatus?: "open" | "closed"; settled?: boolean } = {}) {
  const at = new Date(`${period}-10T02:00:00Z`);
  const check = await prisma().kioskCheck.create({
    data: { pensionerId, regionCode: COUNTY, period, reason: "cohort", status: "passed", dueOn: new Date(`${period}-28`), decidedAt: at },
  });
  const attempt = await prisma().kioskAttempt.create({
    data: { checkId: check.id, pensionerId, regionCode: COUNTY, deviceId, steps: ["blink"], locale: "zh-CN", issuedAt: at, expiresAt: new Date(at.getTime() + 90_000), decision: "pass" },
  });
  const kase = await prisma().case.create({
    data: { pensionerId, regionCode: COUNTY, reason: "overdue", period, status: o.caseStatus ?? "closed", outcome: (o.caseStatus ?? "closed") === "closed" ? "confirm_alive" : null },
  });
  await prisma().caseEvent.create({ data: { caseId: kase.id, casePeriod: period, regionCode: COUNTY, kind: "note", body: "已核实" } });
  const feeId = randomUUID();
  await pool().query(
    `insert into fee_records (id, kind, period, region_code, count, amount, platform_share, provider_share, schedule_version, bdmi_call_id, settled_at)
     values ($1, 'liveness', $2, $3, 1, 100, 30, 70, 'v1', 'call-1', $4)`,
    [feeId, period, COUNTY, o.settled === false ? null : at],
  );
  await pool().query(
    `insert into survival_statuses (pensioner_id, period, region_code, status, basis, s, t, model_version) values ($1, $2, $3, 'alive', 'kiosk', 1, 1, 'm')`,
    [pensionerId, period, COUNTY],
  );
  return { checkId: check.id, attemptId: attempt.id, caseId: kase.id, feeId };
}

describe("period partitions of the large tables", () => {
  it("the worker's upkeep makes this month's and the next two months' partitions of every table, once", async () => {
    const now = new Date("2033-01-31T17:00:00Z"); // 2033-02-01 01:00 in China Standard Time
    expect(upcomingPeriods(now)).toEqual(["2033-02", "2033-03", "2033-04"]);
    const made = await ensurePeriodPartitions(upcomingPeriods(now));
    expect(made.sort()).toEqual(["2033_02", "2033_03", "2033_04"].flatMap((m) => TABLES.map((t) => `${t}_${m}`)).sort());
    expect(await ensurePeriodPartitions(upcomingPeriods(now))).toEqual([]);

    // A month's rows go to its partition; kiosk attempts and audit events by their China Standard Time month.
    const rows = await monthOfRows("2033-03");
    expect(await where("kiosk_checks", rows.checkId)).toEqual(["kiosk_checks_2033_03"]);
    expect(await where("cases", rows.caseId)).toEqual(["cases_2033_03"]);
    expect(await where("fee_records", rows.feeId)).toEqual(["fee_records_2033_03"]);
    expect(await where("kiosk_attempts", rows.attemptId)).toEqual(["kiosk_attempts_2033_03"]);
    const { rows: ev } = await pool().query<{ part: string }>(
      `insert into audit_events (actor_role, action, target_type, at) values ('system', 'test.partition', 'test', '2033-03-31T16:30:00Z') returning tableoid::regclass::text as part`,
    );
    expect(ev[0]!.part).toBe("audit_events_2033_04"); // 00:30 on 1 April in Beijing
  });

  it("rows of a month not made ahead wait in the default partition and move into the month's own when it is made", async () => {
    const rows = await monthOfRows("2034-07");
    expect(await where("kiosk_checks", rows.checkId)).toEqual(["kiosk_checks_default"]);
    const { rows: ev } = await pool().query<{ id: string }>(`insert into audit_events (actor_role, action, target_type, at) values ('system', 'test.partition', 'test', '2034-07-02T00:00:00Z') returning id::text`);

    const made = await ensurePeriodPartitions(["2034-07"]);
    // Append-only tables (the audit trail, case events) and cases, which case events refer to, keep
    // the month in their default partition; the others move it to its own.
    expect(made.sort()).toEqual(["fee_records_2034_07", "kiosk_attempts_2034_07", "kiosk_checks_2034_07", "survival_statuses_2034_07"]);
    expect(await where("kiosk_checks", rows.checkId)).toEqual(["kiosk_checks_2034_07"]);
    expect(await where("fee_records", rows.feeId)).toEqual(["fee_records_2034_07"]);
    expect(await where("kiosk_attempts", rows.attemptId)).toEqual(["kiosk_attempts_2034_07"]);
    expect(await where("cases", rows.caseId)).toEqual(["cases_default"]);
    expect(await where("audit_events", ev[0]!.id)).toEqual(["audit_events_default"]);
    const { rows: events } = await pool().query(`select tableoid::regclass::text as part from case_events where case_id = $1`, [rows.caseId]);
    expect(events).toEqual([{ part: "case_events_default" }]);
    expect(await ensurePeriodPartitions(["2034-07"])).toEqual([]);
    // Nothing lost, nothing doubled.
    expect(await prisma().kioskCheck.count({ where: { pensionerId, period: "2034-07" } })).toBe(1);
    expect(await prisma().survivalStatus.count({ where: { pensionerId, period: "2034-07" } })).toBe(1);
  });

  it("a closed month's partitions detach (audited; the audit trail's stay), an open one's do not", async () => {
    await ensurePeriodPartitions(["2019-03", "2019-04"]);
    const closed = await monthOfRows("2019-03");
    await monthOfRows("2019-04", { caseStatus: "open" });

    const before = await pool().query(`select count(*)::int as n from audit_events where action = 'partitions.detach'`);
    const detached = await detachPeriodPartitions(systemActor(), "2019-03");
    expect(detached.sort()).toEqual(DATA_TABLES.map((t) => `${t}_2019_03`).sort());
    expect(await attached("2019_03")).toEqual(["audit_events_2019_03"]);
    // Gone from the live tables, kept whole in the detached ones for the archive.
    expect(await prisma().kioskCheck.count({ where: { id: closed.checkId } })).toBe(0);
    expect((await pool().query(`select count(*)::int as n from kiosk_checks_2019_03`)).rows[0].n).toBe(1);
    expect((await pool().query(`select count(*)::int as n from case_events_2019_03`)).rows[0].n).toBe(1);
    const after = await pool().query<{ n: number; summary: { detached: string[] } }>(
      `select count(*)::int as n, (array_agg(summary order by id desc))[1] as summary from audit_events where action = 'partitions.detach'`,
    );
    expect(after.rows[0]!.n).toBe(before.rows[0].n + 1);
    expect(after.rows[0]!.summary.detached.sort()).toEqual(detached.sort());

    // An open case keeps its month attached; so do this month and the last.
    await expect(detachPeriodPartitions(systemActor(), "2019-04")).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("open") });
    expect(await attached("2019_04")).toHaveLength(TABLES.length);
    await expect(detachPeriodPartitions(systemActor(), currentPeriod())).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(detachPeriodPartitions(systemActor(), addMonths(currentPeriod(), -1))).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(detachPeriodPartitions(systemActor(), "2019-13")).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("making a month gives way within half a second to a long reader or DDL, and the next call makes it", async () => {
    const reader = await pool().connect();
    const ddl = await pool().connect();
    try {
      // An export's snapshot reading kiosk_checks, and a session holding a DDL lock on cases.
      await reader.query("begin isolation level repeatable read");
      await reader.query("select count(*) from kiosk_checks");
      await ddl.query("begin");
      await ddl.query("lock table cases in share update exclusive mode");
      const t0 = Date.now();
      const made = await ensurePeriodPartitions(["2035-02"]);
      expect(Date.now() - t0).toBeLessThan(5_000);
      // case_events too: attaching its partition adds the foreign key's triggers on cases.
      const held = ["kiosk_checks", "cases", "case_events"];
      expect(made.sort()).toEqual(TABLES.filter((t) => !held.includes(t)).map((t) => `${t}_2035_02`).sort());
      // Meanwhile every other session still reads and writes them.
      expect((await pool().query(`select count(*)::int as n from kiosk_checks where period = '2035-02'`)).rows[0].n).toBe(0);
      await reader.query("rollback");
      await ddl.query("rollback");
      expect((await ensurePeriodPartitions(["2035-02"])).sort()).toEqual(held.map((t) => `${t}_2035_02`).sort());
    } finally {
      await reader.query("rollback").catch(() => {});
      await ddl.query("rollback").catch(() => {});
      reader.release();
      ddl.release();
    }
  });

  it("each audit partition refuses change and truncation, as the table does", async () => {
    await ensurePeriodPartitions(["2019-05"]);
    await pool().query(`insert into audit_events (actor_role, action, target_type, at) values ('system', 'test.partition', 'test', '2019-05-05T00:00:00Z')`);
    await expect(pool().query(`delete from audit_events_2019_05`)).rejects.toThrow(/append-only/);
    await expect(pool().query(`update audit_events_2019_05 set action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(pool().query(`truncate audit_events_2019_05`)).rejects.toThrow(/append-only/);
    await expect(pool().query(`truncate audit_events_default`)).rejects.toThrow(/append-only/);
    await expect(pool().query(`truncate audit_events`)).rejects.toThrow(/append-only/);
  });
});
