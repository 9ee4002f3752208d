import "server-only";
import type pg from "pg";
import PgBoss from "pg-boss";
import { databaseUrl, type TTx } from "../../db/client";
import { BOSS_SCHEMA, QUEUES } from "./queues";

// The app only sends jobs; the worker (lib/worker/main.ts) maintains and works the queues. Jobs
// are written through the caller's transaction (pg-boss's `db` option), so a job exists if and
// only if the change that caused it committed: the transactional outbox of architecture.md.

type TGlobal = { boss?: Promise<PgBoss> };
const g = globalThis as unknown as TGlobal;

async function startSender(): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: databaseUrl(), schema: BOSS_SCHEMA, supervise: false, schedule: false, max: 2 });
  boss.on("error", () => {});
  await boss.start();
  for (const q of Object.values(QUEUES)) await boss.createQueue(q);
  return boss;
}

function sender(): Promise<PgBoss> {
  g.boss ??= startSender().catch((e) => {
    g.boss = undefined;
    throw e;
  });
  return g.boss;
}

/**
 * Enqueues a job inside the caller's transaction (a Prisma transaction or a pg client that has
 * begun one); it becomes visible to the worker when that transaction commits.
 */
export async function enqueue(tx: TTx | pg.PoolClient, queue: (typeof QUEUES)[keyof typeof QUEUES], data: object, options: PgBoss.SendOptions = {}): Promise<void> {
  const boss = await sender();
  const db =
    "$queryRawUnsafe" in tx
      ? { executeSql: async (text: string, values: unknown[]) => ({ rows: (await tx.$queryRawUnsafe(text, ...values)) as unknown[] }) }
      : { executeSql: (text: string, values: unknown[]) => tx.query(text, values) };
  await boss.send(queue, data, { ...options, db });
}

/** Tests and scripts that enqueued jobs stop the sender so the process can exit. */
export async function stopJobSender(): Promise<void> {
  const b = g.boss;
  g.boss = undefined;
  if (b) await (await b.catch(() => null))?.stop({ graceful: false, wait: true });
}
