// audit: the timed work is appending n audit events the way the monthly run does (recordAuditBulk,
// 5,000 per transaction), sealing them into the Merkle log (leaves, subtrees, a signed checkpoint
// per 50,000-leaf batch, anchor outbox rows), then verifying the whole log from the database as
// `npm run audit:verify` does. `seconds` (so ratePerSecond) is append + seal; verifyPerSecond is the
// verification's own rate. Floor: the same INSERTs into a table of the same shape that nothing seals.
import { randomUUID } from "node:crypto";
import { pool } from "../../lib/db/client";
import type { TActor } from "../../lib/server/actor";
import { auditLogOrigin, checkpointPublicKey } from "../../lib/server/audit/audit-log-keys";
import { recordAuditBulk, type TBulkAuditRow } from "../../lib/server/audit/record-audit-bulk";
import { sealAuditLog } from "../../lib/server/audit/seal-audit-log";
import { verifyAuditLog } from "../../lib/server/audit/verify-audit-log";
import { timed, type TBenchContext, type TScenario } from "../harness";

const CHUNK = 5000;
const FLOOR_TABLE = "bench_audit_floor";
const COUNTIES = ["520102", "520103", "520111", "520302", "520402", "522301"];

function rows(start: number, count: number): TBulkAuditRow[] {
  return Array.from({ length: count }, (_, k) => {
    const i = start + k;
    return {
      targetId: randomUUID(),
      regionCode: COUNTIES[i % COUNTIES.length]!,
      summary: { period: "2026-10", from: "active", to: i % 50 === 0 ? "suspected" : "active", score: (i % 1000) / 1000, batch: Math.floor(i / CHUNK) },
    };
  });
}

async function append(ctx: TBenchContext, label: string, write: (client: import("pg").PoolClient, batch: TBulkAuditRow[]) => Promise<unknown>) {
  const client = await pool().connect();
  try {
    for (let done = 0; done < ctx.n; done += CHUNK) {
      const batch = rows(done, Math.min(CHUNK, ctx.n - done));
      await client.query("begin");
      await write(client, batch);
      await client.query("commit");
      ctx.progress(label, done + batch.length, ctx.n);
    }
  } finally {
    client.release();
  }
}

export const auditScenario: TScenario = {
  name: "audit",
  defaultN: 1_000_000,
  summary: "append audit events + seal them into the signed Merkle log + verify the whole log vs plain INSERTs into an unsealed table",
  async run(ctx) {
    if (ctx.external) throw new Error("audit needs a fresh database: run it without DATABASE_URL");
    const actor: TActor = { userId: null, role: "system", regions: [], requestId: randomUUID(), ip: null };

    const appended = await timed(() => append(ctx, "append", (c, b) => recordAuditBulk(c, actor, "pensioner.status", "pensioner", b)));
    const sealed = await timed(async () => {
      let total = 0;
      for (;;) {
        const r = await sealAuditLog({ batchSize: 50_000, maxBatches: 1 });
        total += r.sealed;
        ctx.progress("seal", total, ctx.n);
        if (r.sealed === 0 || total >= ctx.n) return r;
      }
    });
    const verified = await timed(() => verifyAuditLog({ publicKey: checkpointPublicKey(), origin: auditLogOrigin(), onProgress: (d, t) => ctx.progress("verify", d, t) }));
    if (!verified.value.ok || verified.value.leaves !== ctx.n) throw new Error(`the log did not verify: ${JSON.stringify(verified.value.firstBad)} (${verified.value.leaves} leaves)`);

    await pool().query(`create table ${FLOOR_TABLE} (like audit_events including defaults)`);
    const floor = await timed(() =>
      append(ctx, "floor", (c, b) =>
        c.query(
          `insert into ${FLOOR_TABLE} (actor_id, actor_role, action, target_type, target_id, region_code, summary, request_id, ip)
           select null, 'system', 'pensioner.status', 'pensioner', t.target_id, t.region_code, t.summary, $4, null
             from unnest($1::text[], $2::text[], $3::jsonb[]) as t(target_id, region_code, summary)`,
          [b.map((r) => r.targetId), b.map((r) => r.regionCode), b.map((r) => JSON.stringify(r.summary)), actor.requestId],
        ),
      ),
    );

    const rate = (s: number) => Math.round(ctx.n / s).toLocaleString("en");
    ctx.log(
      `append ${appended.seconds.toFixed(1)} s + seal ${sealed.seconds.toFixed(1)} s = ${rate(appended.seconds + sealed.seconds)} events/s appended and sealed ` +
        `(sealing alone ${rate(sealed.seconds)}/s, ${sealed.value.treeSize.toLocaleString("en")} leaves); ` +
        `verify ${verified.seconds.toFixed(1)} s = ${rate(verified.seconds)} events/s; floor ${floor.seconds.toFixed(1)} s = ${rate(floor.seconds)}/s`,
    );
    // ratePerSecond is append and seal (the contract); verification has its own rate.
    return {
      seconds: appended.seconds + sealed.seconds,
      floorSeconds: floor.seconds,
      p50Ms: null,
      p95Ms: null,
      extra: {
        verifyPerSecond: Math.round(ctx.n / verified.seconds),
        appendSeconds: Number(appended.seconds.toFixed(2)),
        sealSeconds: Number(sealed.seconds.toFixed(2)),
        verifySeconds: Number(verified.seconds.toFixed(2)),
      },
    };
  },
};
