import PgBoss from "pg-boss";
import { env } from "../env.js";
import { pool } from "../db/client";
import { log } from "../server/log";

// The worker: background jobs on pg-boss, on the same database as the app. Later issues add the
// monthly runs, reminders, ledger outbox and audit seals here.
const QUEUES = { housekeeping: "housekeeping.purge-expired" } as const;

async function main() {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set: run the worker through `npm start`");
  const boss = new PgBoss({ connectionString: env.DATABASE_URL, schema: "pgboss" });
  boss.on("error", (e) => log.error("pg-boss error", { error: String(e) }));
  await boss.start();
  await boss.createQueue(QUEUES.housekeeping);
  await boss.schedule(QUEUES.housekeeping, "17 * * * *");
  await boss.work(QUEUES.housekeeping, async () => {
    // Sessions and throttling records are operational data, not audit: the audit trail keeps sign-ins.
    const s = await pool().query(`delete from sessions where expires_at < now() - interval '30 days'`);
    const f = await pool().query(`delete from sign_in_failures where at < now() - interval '1 day'`);
    log.info("housekeeping", { sessionsPurged: s.rowCount, failuresPurged: f.rowCount });
  });
  log.info("worker started", { queues: Object.values(QUEUES) });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await boss.stop({ graceful: true, timeout: 10_000 });
    await pool().end();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e) => {
  log.error("worker failed to start", { error: String(e?.stack ?? e) });
  process.exit(1);
});
