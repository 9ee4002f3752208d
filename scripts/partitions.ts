// npm run partitions -- list | ensure [YYYY-MM …] | detach YYYY-MM
// The large tables' month partitions (migration 20261204000300_period_partitions) on the database
// DATABASE_URL names (or the embedded one). `ensure` makes the given months' partitions (default: this
// month and the next two, as the worker does every hour). `detach` takes a closed month's partitions
// out of the live tables, audited, for the bureau to archive (pg_dump -t '<table>_YYYY_MM') and drop;
// the audit trail is never detached. `list` shows every partition with its rows (estimated) and size.
import { env } from "../lib/env.js";
import { closeDb, pool, useDatabaseUrl } from "../lib/db/client";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { systemActor } from "../lib/server/actor";
import { AppError } from "../lib/server/app-error";
import { detachPeriodPartitions } from "../lib/server/partitions/detach-period-partitions";
import { ensurePeriodPartitions, upcomingPeriods } from "../lib/server/partitions/ensure-period-partitions";

const usage = "usage: npm run partitions -- list | ensure [YYYY-MM …] | detach YYYY-MM";
const [command, ...periods] = process.argv.slice(2);
if (!command || !["list", "ensure", "detach"].includes(command) || (command === "detach" && periods.length !== 1)) {
  console.error(usage);
  process.exit(2);
}

const db = env.DATABASE_URL ? null : await startEmbeddedPostgres(env.DATA_DIR);
if (db) useDatabaseUrl(db.url);
let code = 0;
try {
  if (command === "ensure") {
    const made = await ensurePeriodPartitions(periods.length ? periods : upcomingPeriods());
    console.log(made.length ? `created ${made.join(", ")}` : "every partition was already there");
  } else if (command === "detach") {
    const detached = await detachPeriodPartitions(systemActor(), periods[0]!);
    console.log(detached.length ? `detached ${detached.join(", ")}: archive them (pg_dump -t …), then drop them` : `no attached partition of ${periods[0]}`);
  } else {
    const { rows } = await pool().query<{ parent: string; partition: string; bound: string; rows: string; size: string }>(
      `select p.relname as parent, c.relname as partition, pg_get_expr(c.relpartbound, c.oid) as bound,
              greatest(c.reltuples, 0)::bigint::text as rows, pg_size_pretty(pg_total_relation_size(c.oid)) as size
         from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
         join (select table_name from period_partitioned_tables()) t on t.table_name = p.relname
        order by p.relname, c.relname`,
    );
    for (const r of rows) console.log(`${r.parent.padEnd(18)} ${r.partition.padEnd(28)} ${r.rows.padStart(12)} rows ${r.size.padStart(10)}  ${r.bound}`);
  }
} catch (e) {
  if (!(e instanceof AppError)) throw e;
  console.error(`partitions: ${e.userMessage}${e.fieldErrors.length ? `: ${e.fieldErrors.map((f) => f.message).join("; ")}` : ""}`);
  code = 1;
} finally {
  await closeDb();
  await db?.stop();
}
process.exit(code);
