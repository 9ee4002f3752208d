// The demo's history, made the real way: a year of generated evidence goes into BDMI through its
// signed API (as government sources would send it), then the past months' runs are started as the
// demo supervisor and worked by the running worker, one month after the other. The current month
// is left for an officer to run. Started by `npm start` on the first start of a demo installation.
import { env } from "../lib/env.js";
import { closeDb, prisma } from "../lib/db/client";
import { addMonths, currentPeriod } from "../lib/domain/period";
import { loadDemoEvidence } from "../lib/bdmi/demo-evidence-loader";
import { configuredEndpoint } from "../lib/server/bdmi/bdmi-client";
import { stopJobSender } from "../lib/server/jobs/enqueue";
import { rollNationalIds } from "../lib/server/pensioners/roll-national-ids";
import { startMonthlyRun } from "../lib/server/runs/start-monthly-run";

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
      if (r.state === "completed") {
        say(`${period}: ${r.done} pensioners assessed`);
        break;
      }
      await new Promise((res) => setTimeout(res, 300));
    }
  }
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
