// The load scenario's monthly run, worked in a process of its own as the worker works it
// (lib/worker/main.ts): at the worker's OS priority (WORKER_NICE), so that the staff requests the
// scenario times compete with the run as they would in production, not with a run inside the
// process that also drives the load. Usage (the scenario spawns it): tsx --conditions=react-server
// bench/scenarios/load-run-worker.ts <runId> <bdmiUrl>; DATABASE_URL from the environment.
import { env } from "../../lib/env.js";
import { closeDb, databaseUrl, pool } from "../../lib/db/client";
import { configuredEndpoint, createBdmiClient } from "../../lib/server/bdmi/bdmi-client";
import { processMonthlyRun } from "../../lib/server/runs/process-monthly-run";
import { lowerLocalBackendPriority, lowerWorkerPriority } from "../../lib/worker/priority";

const nice = lowerWorkerPriority();
lowerLocalBackendPriority(pool(), databaseUrl(), nice);
const [runId, bdmiUrl] = process.argv.slice(2);
if (!runId || !bdmiUrl) throw new Error("usage: load-run-worker.ts <runId> <bdmiUrl>");
const result = await processMonthlyRun(runId, {
  workerId: `bench-worker:${process.pid}`,
  bdmi: createBdmiClient({ ...configuredEndpoint(), baseUrl: bdmiUrl }, { timeoutMs: 60_000, retries: 2 }),
  batchSize: env.RUN_BATCH_SIZE,
  concurrency: env.RUN_CONCURRENCY,
  leaseSeconds: 300,
  retryAfterSeconds: 1,
});
await closeDb();
process.stdout.write(`${JSON.stringify({ result, nice })}\n`);
process.exit(result === "completed" ? 0 : 1);
