// npm run db:seed [-- --regions-only] [-- --n 6000]: seeds the database DATABASE_URL names (or the embedded one).
import { parseArgs } from "node:util";
import { env } from "../lib/env.js";
import { closeDb, useDatabaseUrl } from "../lib/db/client";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { seedDemo, seedRegions } from "../lib/db/seed";
import { stopJobSender } from "../lib/server/jobs/enqueue";

const { values } = parseArgs({ options: { "regions-only": { type: "boolean" }, n: { type: "string" } } });
const db = env.DATABASE_URL ? null : await startEmbeddedPostgres(env.DATA_DIR, console.log);
if (db) useDatabaseUrl(db.url);
try {
  if (values["regions-only"]) console.log(`seeded ${await seedRegions()} regions`);
  else await seedDemo(values.n ? Number(values.n) : undefined);
} finally {
  await stopJobSender();
  await closeDb();
  await db?.stop();
}
