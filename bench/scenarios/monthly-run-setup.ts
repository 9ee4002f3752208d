// The monthly run's untimed setup, shared by the monthly-run and load scenarios: regions, a
// supervisor actor, a roll of n pensioners imported as an officer would, the reference BDMI
// service as its own process and a month of demo evidence per period loaded into it.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { hash } from "@node-rs/argon2";
import { childEnv } from "../../lib/env.js";
import { databaseUrl, pool, prisma } from "../../lib/db/client";
import { freePort } from "../../lib/db/embedded";
import { demoRollCsv } from "../../lib/db/demo-roll";
import { seedRegions } from "../../lib/db/seed";
import { loadDemoEvidence } from "../../lib/bdmi/demo-evidence-loader";
import type { TBdmiEndpoint } from "../../lib/bdmi/transport";
import type { TActor } from "../../lib/server/actor";
import { configuredEndpoint } from "../../lib/server/bdmi/bdmi-client";
import { importRoll } from "../../lib/server/imports/import-roll";
import { startRollImport } from "../../lib/server/imports/start-roll-import";
import { rollNationalIds } from "../../lib/server/pensioners/roll-national-ids";
import { timed, type TBenchContext } from "../harness";

/** The reference BDMI service as its own process on the bench database (the kiosk scenario uses it too). */
export async function startBdmiProcess(url: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/bdmi/service/main.ts"], {
    env: childEnv({ BDMI_DATABASE_URL: url, DATABASE_URL: url, PENSION_EMBEDDED: "0", BDMI_PORT: String(port), LOG_LEVEL: "warn" }),
    stdio: ["ignore", "pipe", "inherit"],
  });
  // The service logs its 500s (with the cause) on stdout: those lines reach the bench's stderr.
  let partial = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => {
    const lines = (partial + s).split("\n");
    partial = lines.pop()!;
    for (const l of lines) if (/error|failed/i.test(l)) process.stderr.write(`${l}\n`);
  });
  const base = `http://127.0.0.1:${port}`;
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the BDMI service exited with ${child.exitCode}`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > end) throw new Error("the BDMI service did not start within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: base,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The demo roll in 64 KiB chunks (a stream chunk per line costs more than the line), with progress as it is read. */
function* rollChunks(n: number, counties: string[], ctx: Pick<TBenchContext, "progress">): Generator<string> {
  let buf = "";
  let count = -1; // the header is not a pensioner
  for (const line of demoRollCsv(n, counties)) {
    buf += line;
    count++;
    if (buf.length >= 65_536) {
      yield buf;
      buf = "";
      ctx.progress("importing the roll", count, n);
    }
  }
  if (buf) yield buf;
  ctx.progress("importing the roll", n, n);
}

export type TMonthlyRunSetup = {
  actor: TActor;
  bdmi: { url: string; stop: () => Promise<void> };
  endpoint: TBdmiEndpoint;
  ids: string[];
};

/** Everything before a monthly run of ctx.n pensioners for `periods`; the caller stops `bdmi`. */
export async function prepareMonthlyRun(ctx: Pick<TBenchContext, "n" | "log" | "progress">, periods: string[]): Promise<TMonthlyRunSetup> {
  const { n } = ctx;
  await seedRegions();
  const counties = (await prisma().region.findMany({ where: { level: "county" }, select: { code: true }, orderBy: { code: "asc" } })).map((r) => r.code);
  const username = `bench-${randomUUID().slice(0, 8)}`;
  const user = await prisma().user.create({
    data: { username, displayName: username, role: "supervisor", passwordHash: await hash(randomBytes(24).toString("base64")), regions: { create: [{ regionCode: "52" }] } },
    select: { id: true },
  });
  const actor: TActor = { userId: user.id, role: "supervisor", regions: ["52"], requestId: randomUUID(), ip: "127.0.0.1" };

  ctx.log(`setup: importing a roll of ${n.toLocaleString("en")}`);
  const admin: TActor = { ...actor, role: "admin" };
  const imp = await startRollImport(admin, { fileName: "bench.csv", size: 1 });
  const roll = await importRoll(admin, imp.id, Readable.from(rollChunks(n, counties, ctx)));
  if (roll.rowsInserted !== n) throw new Error(`roll import landed ${roll.rowsInserted} of ${n}`);

  const bdmi = await startBdmiProcess(databaseUrl());
  try {
    const endpoint = { ...configuredEndpoint(), baseUrl: bdmi.url };
    const ids = await rollNationalIds((done) => ctx.progress("reading the roll's IDs", done, roll.rowsInserted));
    ctx.log(`setup: ${periods.length === 1 ? "a month" : `${periods.length} months`} of evidence for ${ids.length.toLocaleString("en")} pensioners into BDMI`);
    let fed = 0;
    const loaded = await loadDemoEvidence({
      endpoint,
      nationalIds: ids,
      periods,
      // About 1.95 items a pensioner a month (lib/bdmi/demo-evidence.ts): the feeds' progress is against that.
      onProgress: (p) =>
        p.kind === "enrolled"
          ? ctx.progress("enrolling", p.done, p.total)
          : ctx.progress("evidence feeds", (fed += p.report.received), Math.round(ids.length * periods.length * 1.95)),
    });
    ctx.log(`setup: ${loaded.accepted.toLocaleString("en")} evidence items in ${(loaded.ms / 1000).toFixed(1)} s`);
    // A month's feeds arrive over the month and autovacuum passes over them (and over the roll)
    // long before the run; here they landed seconds ago. Without this the run's first read of each
    // page would set its hint bits and write it back, a cost no real run pays.
    const vac = await timed(() => pool().query(`vacuum (analyze) pensioners, bdmi.subjects, bdmi.evidence`));
    ctx.log(`setup: vacuum analyze in ${vac.seconds.toFixed(1)} s`);
    return { actor, bdmi, endpoint, ids };
  } catch (e) {
    await bdmi.stop();
    throw e;
  }
}
