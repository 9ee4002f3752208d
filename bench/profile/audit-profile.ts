// Profiles the audit log's append, seal and verify by CPU time (this process, its threads, and
// the PostgreSQL cluster), which a shared machine's load disturbs far less than wall time.
// npx tsx --conditions=react-server bench/profile/audit-profile.ts [n]
import { readdirSync, readFileSync, mkdtempSync, chmodSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { closeDb, pool, useDatabaseUrl } from "../../lib/db/client";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { auditLogOrigin, checkpointPublicKey } from "../../lib/server/audit/audit-log-keys";
import { recordAuditBulk } from "../../lib/server/audit/record-audit-bulk";
import { sealAuditLog } from "../../lib/server/audit/seal-audit-log";
import { verifyAuditLog } from "../../lib/server/audit/verify-audit-log";

const n = Number(process.argv[2] ?? 200_000);
const tmp = mkdtempSync(path.join(os.tmpdir(), "audit-profile-"));
chmodSync(tmp, 0o755);
const db = await startEmbeddedPostgres(path.join(tmp, "db"));
const tick = Number(process.env.CLK_TCK ?? 100);
let postmaster = 0;
function pgCpu(): number {
  if (!postmaster) {
    const dir = readdirSync(path.join(tmp, "db"), { recursive: true }).find((f) => String(f).endsWith("postmaster.pid"));
    postmaster = Number(readFileSync(path.join(tmp, "db", String(dir)), "utf8").split("\n")[0]);
  }
  let s = 0;
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const f = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ");
      const ppid = Number(f[1]);
      if (Number(p) === postmaster) s += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      else if (ppid === postmaster) s += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return s / tick;
}
async function measure<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const c0 = process.cpuUsage();
  const p0 = pgCpu();
  const t0 = performance.now();
  const v = await fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const node = (c.user + c.system) / 1e6;
  const pg = pgCpu() - p0;
  console.log(
    `${label}: wall ${wall.toFixed(2)} s; node cpu ${node.toFixed(2)} s (${((node / n) * 1e6).toFixed(2)} µs/event); pg cpu ${pg.toFixed(2)} s (${((pg / n) * 1e6).toFixed(2)} µs/event); load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  return v;
}
try {
  await migrate(db.url);
  useDatabaseUrl(db.url);
  const actor = { userId: null, role: "system" as const, regions: [], requestId: randomUUID(), ip: null };
  await measure("append", async () => {
    const c = await pool().connect();
    for (let done = 0; done < n; done += 5000) {
      const rows = Array.from({ length: Math.min(5000, n - done) }, (_, k) => ({ targetId: randomUUID(), regionCode: "52010" + (k % 6), summary: { period: "2026-10", from: "active", to: "active", score: (k % 1000) / 1000, batch: done / 5000 } }));
      await c.query("begin");
      await recordAuditBulk(c, actor as never, "pensioner.status", "pensioner", rows);
      await c.query("commit");
    }
    c.release();
  });
  const { Session } = await import("node:inspector/promises");
  const ses = new Session();
  if (process.env.PROF) {
    ses.connect();
    await ses.post("Profiler.enable");
    await ses.post("Profiler.start");
  }
  await measure("seal", async () => {
    for (;;) if ((await sealAuditLog({ batchSize: 50_000, maxBatches: 1, threads: process.env.SEAL_THREADS !== "0" })).sealed === 0) break;
  });
  if (process.env.PROF) {
    const { profile } = await ses.post("Profiler.stop");
    (await import("node:fs")).writeFileSync(`/tmp/seal.cpuprofile`, JSON.stringify(profile));
    ses.disconnect();
  }
  if (process.env.OLD) {
    // OLD=1 compares with a copy of an earlier verifier put beside the new one (not committed).
    const oldPath = "../../lib/server/audit/verify-audit-log-old";
    const { verifyAuditLog: old } = (await import(oldPath)) as { verifyAuditLog: typeof verifyAuditLog };
    await measure("verify (main's code)", () => old({ publicKey: checkpointPublicKey(), origin: auditLogOrigin() }));
  }
  for (const threads of (process.env.THREADS ?? "0,2").split(",").map(Number)) {
    const { Session } = await import("node:inspector/promises");
    const session = new Session();
    if (process.env.PROF) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
    }
    const r = await measure(`verify threads=${threads}`, () => verifyAuditLog({ publicKey: checkpointPublicKey(), origin: auditLogOrigin(), threads }));
    if (process.env.PROF) {
      const { profile } = await session.post("Profiler.stop");
      (await import("node:fs")).writeFileSync(`/tmp/verify-${threads}.cpuprofile`, JSON.stringify(profile));
      session.disconnect();
    }
    if (!r.ok || r.leaves !== n) throw new Error(JSON.stringify(r.firstBad));
  }
} finally {
  await closeDb();
  await db.stop();
  rmSync(tmp, { recursive: true, force: true });
}
