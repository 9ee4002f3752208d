import { describe, expect, it } from "vitest";
import { pool, prisma } from "../../db/client";
import { createUser } from "../../../test/fixtures";
import { cancelRunSchedule } from "./cancel-run-schedule";
import { createRunSchedule } from "./create-run-schedule";
import { fireDueRunSchedules } from "./fire-due-run-schedules";
import { listRunSchedules } from "./list-run-schedules";
import { processMonthlyRun } from "./process-monthly-run";
import type { TBdmiClient } from "../bdmi/bdmi-client";
import { startMonthlyRun } from "./start-monthly-run";
import { updateRunSchedule } from "./update-run-schedule";

// Recurring monthly runs and the month order of runs. Tongren (5206) and Bijie (5205) are this file's alone: a
// completed run here must not hold back another file's runs.

const complete = (runId: string) => pool().query(`update monthly_runs set state = 'completed', finished_at = now() where id = $1`, [runId]);
const audits = async (targetId: string) =>
  (await pool().query<{ action: string }>(`select action from audit_events where target_id = $1 order by id`, [targetId])).rows.map((r) => r.action);

describe("month order of runs", () => {
  it("refuses a month before the last completed one for the same, wider or narrower regions, with body.period", async () => {
    const officer = await createUser("officer", ["5206"]);
    const now = new Date("2026-07-10T00:00:00Z");
    const may = await startMonthlyRun(officer.actor, { period: "2026-05", regionCodes: ["520602"] }, now);
    await complete(may.run.id);

    for (const regionCodes of [["520602"], ["5206"]]) {
      await expect(startMonthlyRun(officer.actor, { period: "2026-04", regionCodes }, now)).rejects.toMatchObject({
        code: "CONFLICT",
        status: 409,
        fieldErrors: [{ path: "body.period", message: expect.stringContaining("periodBeforeCompleted") }],
      });
    }
    // A city run completed holds back its counties too.
    const city = await startMonthlyRun(officer.actor, { period: "2026-06", regionCodes: ["5206"] }, now);
    await complete(city.run.id);
    await expect(startMonthlyRun(officer.actor, { period: "2026-05", regionCodes: ["520603"] }, now)).rejects.toMatchObject({ code: "CONFLICT" });

    // Other regions, the same month again (joins) and later months are fine.
    expect((await startMonthlyRun(officer.actor, { period: "2026-04", regionCodes: ["520302"] }, now).catch((e) => e)).code).toBe("FORBIDDEN");
    expect((await startMonthlyRun(officer.actor, { period: "2026-05", regionCodes: ["520602"] }, now)).joined).toBe(true);
    expect((await startMonthlyRun(officer.actor, { period: "2026-07", regionCodes: ["520602"] }, now)).joined).toBe(false);
  });
  it("a run not yet worked (one scheduled for later) is refused when the worker picks it up if a later month was completed meanwhile, and never calls BDMI", async () => {
    const officer = await createUser("officer", ["5206"]);
    const sept = await startMonthlyRun(officer.actor, { period: "2026-09", regionCodes: ["520627"] });
    const oct = await startMonthlyRun(officer.actor, { period: "2026-10", regionCodes: ["520627"] });
    await complete(oct.run.id);
    const bdmi = new Proxy({}, { get: () => () => Promise.reject(new Error("BDMI must not be called")) }) as unknown as TBdmiClient;
    const o = { workerId: "test", bdmi, batchSize: 100, concurrency: 1, leaseSeconds: 30, retryAfterSeconds: 0 };
    expect(await processMonthlyRun(sept.run.id, o)).toBe("refused");
    const r = await prisma().monthlyRun.findUniqueOrThrow({ where: { id: sept.run.id } });
    expect(r).toMatchObject({ state: "refused", planned: false, done: 0, feeTotal: 0n });
    expect(r.finishedAt).not.toBeNull();
    expect(await audits(sept.run.id)).toEqual(["run.requested", "run.refused"]);
    // Nothing picks it up again.
    expect(await processMonthlyRun(sept.run.id, o)).toBe("busy");
    const { orphanedRuns } = await import("./process-monthly-run");
    expect(await orphanedRuns()).not.toContain(sept.run.id);
  });
});

describe("recurring run schedules", () => {
  it("creates, refuses a second for the same regions, edits, fires once per month, and cancels; all audited and scoped", async () => {
    const officer = await createUser("officer", ["5205"]);
    const other = await createUser("officer", ["5203"]);
    const s = await createRunSchedule(officer.actor, { regionCodes: ["520521"], dayOfMonth: 22, time: "08:00" }, new Date("2026-03-10T00:00:00Z"));
    expect(s).toMatchObject({ regionCodes: ["520521"], dayOfMonth: 22, time: "08:00", nextRunAt: "2026-03-22T00:00:00.000Z", version: 0 });

    await expect(createRunSchedule(officer.actor, { regionCodes: ["520521"], dayOfMonth: 1, time: "09:00" })).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: [{ path: "body.regionCodes" }],
    });
    await expect(createRunSchedule(other.actor, { regionCodes: ["520521"], dayOfMonth: 1, time: "09:00" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await listRunSchedules(officer.actor)).items.map((i) => i.id)).toContain(s.id);
    expect((await listRunSchedules(other.actor)).items.map((i) => i.id)).not.toContain(s.id);
    await expect(updateRunSchedule(other.actor, s.id, { dayOfMonth: 1, time: "09:00" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(cancelRunSchedule(other.actor, s.id)).rejects.toMatchObject({ code: "NOT_FOUND" });

    const edited = await updateRunSchedule(officer.actor, s.id, { dayOfMonth: 15, time: "10:30", version: 0 }, new Date("2026-03-10T00:00:00Z"));
    expect(edited).toMatchObject({ dayOfMonth: 15, time: "10:30", nextRunAt: "2026-03-15T02:30:00.000Z", version: 1 });
    await expect(updateRunSchedule(officer.actor, s.id, { dayOfMonth: 16, time: "10:30", version: 0 })).rejects.toMatchObject({ code: "CONFLICT" });

    // Not due yet: nothing fires.
    expect((await fireDueRunSchedules(new Date("2026-03-15T02:29:00Z"))).filter((f) => f.scheduleId === s.id)).toEqual([]);
    const fired = (await fireDueRunSchedules(new Date("2026-03-15T02:31:00Z"))).filter((f) => f.scheduleId === s.id);
    expect(fired).toEqual([{ scheduleId: s.id, period: "2026-03", runId: expect.any(String), joined: false, error: null }]);
    const run = await prisma().monthlyRun.findUniqueOrThrow({ where: { id: fired[0]!.runId! } });
    expect(run).toMatchObject({ period: "2026-03", regionCodes: ["520521"], requestedRole: "system" });
    expect((await fireDueRunSchedules(new Date("2026-03-20T00:00:00Z"))).filter((f) => f.scheduleId === s.id)).toEqual([]);
    const after = (await listRunSchedules(officer.actor)).items.find((i) => i.id === s.id)!;
    expect(after).toMatchObject({ nextRunAt: "2026-04-15T02:30:00.000Z", lastPeriod: "2026-03", lastRunId: run.id, lastError: null });

    // Two months without a worker: only the latest month is started.
    const late = (await fireDueRunSchedules(new Date("2026-05-20T00:00:00Z"))).filter((f) => f.scheduleId === s.id);
    expect(late.map((f) => f.period)).toEqual(["2026-05"]);

    const cancelled = await cancelRunSchedule(officer.actor, s.id);
    expect(cancelled).toMatchObject({ cancelled: true, nextRunAt: null });
    expect((await listRunSchedules(officer.actor)).items.map((i) => i.id)).not.toContain(s.id);
    expect((await fireDueRunSchedules(new Date("2026-09-01T00:00:00Z"))).filter((f) => f.scheduleId === s.id)).toEqual([]);
    await expect(cancelRunSchedule(officer.actor, s.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await audits(s.id)).toEqual(["run_schedule.created", "run_schedule.updated", "run_schedule.fired", "run_schedule.fired", "run_schedule.cancelled"]);
    const ev = await pool().query(`select actor_id, region_code, summary from audit_events where target_id = $1 and action = 'run_schedule.updated'`, [s.id]);
    expect(ev.rows[0]).toMatchObject({ actor_id: officer.id, region_code: "520521", summary: { before: { dayOfMonth: 22, time: "08:00" }, after: { dayOfMonth: 15, time: "10:30" } } });

    // The region set is free again.
    const again = await createRunSchedule(officer.actor, { regionCodes: ["520521"], dayOfMonth: 1, time: "09:00" });
    await cancelRunSchedule(officer.actor, again.id);
  });

  it("a schedule whose month comes before a completed one starts nothing and keeps the reason", async () => {
    const officer = await createUser("officer", ["5205"]);
    const june = await startMonthlyRun(officer.actor, { period: "2026-06", regionCodes: ["520523"] }, new Date("2026-07-01T00:00:00Z"));
    await complete(june.run.id);
    const s = await createRunSchedule(officer.actor, { regionCodes: ["520523"], dayOfMonth: 20, time: "08:00" }, new Date("2026-05-01T00:00:00Z"));
    const [f] = (await fireDueRunSchedules(new Date("2026-05-21T00:00:00Z"))).filter((x) => x.scheduleId === s.id);
    expect(f).toMatchObject({ period: "2026-05", runId: null, error: expect.stringContaining("2026-06") });
    expect(await prisma().monthlyRun.count({ where: { period: "2026-05", regionCodes: { equals: ["520523"] } } })).toBe(0);
    expect((await listRunSchedules(officer.actor)).items.find((i) => i.id === s.id)).toMatchObject({ lastError: expect.stringContaining("2026-06"), nextRunAt: "2026-06-20T00:00:00.000Z" });
    await cancelRunSchedule(officer.actor, s.id);
  });

  it("refuses a bad day or time with field paths", async () => {
    const { ZCreateRunSchedule } = await import("./create-run-schedule");
    const r = ZCreateRunSchedule.safeParse({ dayOfMonth: 32, time: "25:00" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["dayOfMonth", "time"]);
  });
});
