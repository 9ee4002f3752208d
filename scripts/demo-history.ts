// The demo's history, made the real way: a year of generated evidence goes into BDMI through its
// signed API (as government sources would send it), then the past months' runs are started as the
// demo supervisor and worked by the running worker, one month after the other. The current month
// is left for an officer to run. Started by `npm start` on the first start of a demo installation.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../lib/env.js";
import { closeDb, prisma } from "../lib/db/client";
import { addMonths, currentPeriod } from "../lib/domain/period";
import { loadDemoEvidence } from "../lib/bdmi/demo-evidence-loader";
import { configuredEndpoint } from "../lib/server/bdmi/bdmi-client";
import { stopJobSender } from "../lib/server/jobs/enqueue";
import { rollNationalIds } from "../lib/server/pensioners/roll-national-ids";
import { startMonthlyRun } from "../lib/server/runs/start-monthly-run";
import type { TActor } from "../lib/server/actor";
import { approveCaseProposal } from "../lib/server/cases/approve-case-proposal";
import { proposeCaseOutcome } from "../lib/server/cases/propose-case-outcome";

const say = (m: string) => console.log(`[demo] ${m}`);

async function main() {
  const months = env.DEMO_HISTORY_MONTHS;
  if (months === 0) return;
  const now = currentPeriod();
  const periods = Array.from({ length: months }, (_, i) => addMonths(now, i - months + 1));
  const ids = await rollNationalIds();
  say(`loading ${periods[0]}…${now} evidence for ${ids.length} pensioners`);
  const loaded = await loadDemoEvidence({ endpoint: configuredEndpoint(), nationalIds: ids, periods });
  say(`${loaded.accepted.toLocaleString()} evidence items in ${loaded.feeds.length} feeds (${Math.round(loaded.ms)} ms)`);

  const sup = await prisma().user.findUniqueOrThrow({ where: { username: "supervisor" }, select: { id: true, regions: { select: { regionCode: true } } } });
  const actor = { userId: sup.id, role: "supervisor" as const, regions: sup.regions.map((r) => r.regionCode), requestId: "demo-history", ip: null };
  for (const period of periods.slice(0, -1)) {
    const { run } = await startMonthlyRun(actor, { period, regionCodes: [] });
    for (;;) {
      const r = await prisma().monthlyRun.findUniqueOrThrow({ where: { id: run.id }, select: { state: true, done: true, total: true, pausedReason: true } });
      if (r.state === "refused") throw new Error(`${period}: the run was refused (a later month is completed)`);
      if (r.state === "completed") {
        say(`${period}: ${r.done} pensioners assessed`);
        break;
      }
      await new Promise((res) => setTimeout(res, 300));
    }
    await workDemoCases(period, actor);
  }
  // Tests that count the whole province wait for this, so the history does not move under them.
  writeFileSync(path.join(env.DATA_DIR, "demo-history.done"), new Date().toISOString());
}

/** A staff user of the demo seed, as the actor of the use cases. */
async function demoActor(username: string): Promise<TActor> {
  const u = await prisma().user.findUniqueOrThrow({ where: { username }, select: { id: true, role: true, regions: { select: { regionCode: true } } } });
  return { userId: u.id, role: u.role, regions: u.regions.map((r) => r.regionCode), requestId: "demo-history", ip: null };
}

/**
 * The officers of Guiyang (5201) and Zunyi (5203) work most of the month's deceased cases the real
 * way: the officer proposes, the supervisor approves on the 25th of that month, so payments stop
 * in that month and the dashboard has savings to show. Every fourth case stays open for the
 * officer, and every fourth of the rest waits for the supervisor's approval.
 */
async function workDemoCases(period: string, supervisor: TActor) {
  const on = new Date(`${period}-25T02:00:00Z`);
  // The run stands for the one of that month (the 22nd, 08:00 Beijing time): so do its cases.
  await prisma().case.updateMany({ where: { period }, data: { openedAt: new Date(`${period}-22T00:00:00Z`) } });
  let decided = 0;
  for (const [username, region] of [["officer", "5201"], ["officer-zunyi", "5203"]] as const) {
    const officer = await demoActor(username);
    const cases = await prisma().case.findMany({
      where: { period, reason: "deceased", status: "open", regionCode: { startsWith: region } },
      select: { id: true, version: true, pensionerId: true },
      orderBy: { openedAt: "asc" },
    });
    // A pensioner whose payment an earlier month already stopped is left to the officer.
    const stopped = new Set(
      (await prisma().pensioner.findMany({ where: { id: { in: cases.map((c) => c.pensionerId) }, paymentStatus: { not: "active" } }, select: { id: true } })).map((p) => p.id),
    );
    for (const [i, c] of cases.filter((c) => !stopped.has(c.pensionerId)).entries()) {
      if (i % 4 === 3) continue;
      const outcome = i % 3 === 0 ? "suspend" : "terminate";
      const p = await proposeCaseOutcome(officer, c.id, { version: c.version, outcome, note: "死亡登记与医院记录一致 (death registry and hospital record agree)" }, "zh-CN", { now: on });
      if (i % 4 === 2) continue;
      await approveCaseProposal(supervisor, c.id, { version: p.version, note: "同意 (approved)" }, "zh-CN", { now: on });
      decided++;
    }
  }
  say(`${period}: ${decided} deceased cases decided`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopJobSender();
    await closeDb();
  });
