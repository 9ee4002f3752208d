// npm run db:migrate: applies migrations to DATABASE_URL, or to the embedded PostgreSQL.
import { env } from "../lib/env.js";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";

const db = env.DATABASE_URL ? { url: env.DATABASE_URL, stop: async () => {} } : await startEmbeddedPostgres(env.DATA_DIR, console.log);
try {
  await migrate(db.url);
  console.log("migrations applied");
} finally {
  await db.stop();
}
