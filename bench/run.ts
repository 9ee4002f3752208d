// npm run bench -- <scenario|all> [--n N]: runs benchmark scenarios (docs/benchmarks.md) against a
// fresh embedded PostgreSQL per scenario, or against DATABASE_URL when set. Progress goes to stderr;
// stdout gets a human summary and, as its last line, the result JSON (also written to bench/results).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { env } from "../lib/env.js";
import { closeDb, useDatabaseUrl } from "../lib/db/client";
import { startEmbeddedPostgres, type TDatabase } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { stopJobSender } from "../lib/server/jobs/enqueue";
import { stderrProgress, type TResult, type TScenario } from "./harness";
import { auditScenario } from "./scenarios/audit";
import { importScenario } from "./scenarios/import";
import { kioskScenario } from "./scenarios/kiosk";
import { monthlyRunScenario } from "./scenarios/monthly-run";
import { ledgerScenario } from "./scenarios/ledger";
import { dashboardScenario } from "./scenarios/dashboard";
import { loadScenario } from "./scenarios/load";

/** Every scenario, in the order `all` runs them. A new scenario is one file and one line here. */
const SCENARIOS: TScenario[] = [importScenario, monthlyRunScenario, ledgerScenario, auditScenario, kioskScenario, dashboardScenario, loadScenario];

const usage = `usage: npm run bench -- <${[...SCENARIOS.map((s) => s.name), "all"].join("|")}> [--n N]`;
const { positionals, values } = parseArgs({ allowPositionals: true, options: { n: { type: "string" } } });
const [which, ...extra] = positionals;
const chosen = which === "all" ? SCENARIOS : SCENARIOS.filter((s) => s.name === which);
if (!which || extra.length || !chosen.length) fail(usage);
if (which === "all" && values.n) fail("`all` runs every scenario at its default size; --n applies to one scenario");
const n = values.n === undefined ? undefined : Number(values.n);
if (n !== undefined && !(Number.isSafeInteger(n) && n > 0)) fail(`--n must be a positive whole number, not ${values.n}`);

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const ui = stderrProgress();
const resultsDir = path.join(import.meta.dirname, "results");
const round = (x: number, digits: number) => Number(x.toFixed(digits));

// Whatever is running when the run ends (normally, by Ctrl-C or by a crash) is stopped and removed.
let db: TDatabase | null = null;
let tmp: string | null = null;
let releasing: Promise<void> = Promise.resolve();
/** Stops the database and removes the temporary folder; calls queue up, so the last one awaits them all. */
function release(): Promise<void> {
  releasing = releasing.catch(() => {}).then(async () => {
    const [database, dir] = [db, tmp];
    db = tmp = null;
    await stopJobSender().catch(() => {});
    await closeDb().catch(() => {});
    await database?.stop().catch((e) => ui.log(`could not stop PostgreSQL: ${e}`));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return releasing;
}
let aborting = false;
function abort(message: string, code: number): void {
  if (aborting) return; // later errors are echoes of the first (connections cut by the stopping database)
  aborting = true;
  ui.log(message);
  void release().finally(() => process.exit(code));
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => abort(`\n${signal}: stopping`, 130));
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
  process.on(event, (e: unknown) => abort(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, 1));
}

async function runScenario(scenario: TScenario, size: number): Promise<TResult> {
  tmp = mkdtempSync(path.join(os.tmpdir(), `pension-bench-${scenario.name}-`));
  // As root, initdb runs as the postgres user, which must be able to reach the data folder.
  chmodSync(tmp, 0o755);
  let url = env.DATABASE_URL;
  if (!url) {
    db = await startEmbeddedPostgres(path.join(tmp, "db"), ui.log);
    url = db.url;
  }
  await migrate(url);
  useDatabaseUrl(url);
  const work = path.join(tmp, "work");
  mkdirSync(work);

  ui.log(`${scenario.name}: n = ${size.toLocaleString("en")} — ${scenario.summary}`);
  const m = await scenario.run({ n: size, dir: work, external: !db, ...ui });
  await release();

  const result: TResult = {
    scenario: scenario.name,
    n: size,
    seconds: round(m.seconds, 2),
    ratePerSecond: Math.round(size / m.seconds),
    floorSeconds: round(m.floorSeconds, 2),
    ratioToFloor: round(m.ratioToFloor ?? m.seconds / m.floorSeconds, 2),
    p50Ms: m.p50Ms === null ? null : round(m.p50Ms, 1),
    p95Ms: m.p95Ms === null ? null : round(m.p95Ms, 1),
    node: process.version,
    cpus: os.availableParallelism(),
    at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    ...m.extra,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, `${scenario.name}.json`), JSON.stringify(result, null, 2) + "\n");
  return result;
}

try {
  for (const scenario of chosen) {
    const r = await runScenario(scenario, n ?? scenario.defaultN);
    const latency = r.p50Ms === null ? "" : `, p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms`;
    console.log(
      `${r.scenario}: ${r.n.toLocaleString("en")} in ${r.seconds} s = ${r.ratePerSecond.toLocaleString("en")}/s${latency}; ` +
        `floor ${r.floorSeconds} s, ratio ${r.ratioToFloor} (node ${r.node}, ${r.cpus} CPUs)`,
    );
    console.log(JSON.stringify(r));
  }
} catch (e) {
  if (!aborting) ui.log(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
} finally {
  await release();
}
