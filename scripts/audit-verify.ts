// npm run audit:verify [-- --public-key <base64 SPKI>] [--origin <origin>] [--json]: re-reads the whole
// audit log from the database (DATABASE_URL, or the embedded one), recomputes every leaf from its
// event and the tree, and checks it against every signed checkpoint. Exit 0: intact; 1: the first bad
// entry is named; 2: could not run. The key defaults to AUDIT_CHECKPOINT_PUBLIC_KEY; an auditor
// passes the key they were given instead.
import { parseArgs } from "node:util";
import { env } from "../lib/env.js";
import { loadPublicKey } from "../lib/bdmi/signing";
import { closeDb, useDatabaseUrl } from "../lib/db/client";
import { startEmbeddedPostgres, type TDatabase } from "../lib/db/embedded";
import { auditLogOrigin, checkpointPublicKey } from "../lib/server/audit/audit-log-keys";
import { verifyAuditLog } from "../lib/server/audit/verify-audit-log";

const { values } = parseArgs({ options: { "public-key": { type: "string" }, origin: { type: "string" }, json: { type: "boolean" } } });
let db: TDatabase | null = null;
let code = 2;
try {
  if (!env.DATABASE_URL) {
    db = await startEmbeddedPostgres(env.DATA_DIR, (m) => console.error(m));
    useDatabaseUrl(db.url);
  }
  const publicKey = values["public-key"] ? loadPublicKey(values["public-key"]) : checkpointPublicKey();
  const origin = values.origin ?? auditLogOrigin();
  const t0 = performance.now();
  const report = await verifyAuditLog({
    publicKey,
    origin,
    onProgress: (done, total) => process.stderr.isTTY && process.stderr.write(`\rverifying ${done.toLocaleString("en")} / ${total.toLocaleString("en")}`),
  });
  if (process.stderr.isTTY) process.stderr.write("\n");
  const seconds = (performance.now() - t0) / 1000;
  if (values.json) console.log(JSON.stringify({ ...report, seconds }));
  else if (report.ok) {
    console.log(
      `audit log intact: ${report.leaves.toLocaleString("en")} leaves, ${report.checkpoints} checkpoints, latest root ${report.latestRoot} ` +
        `(${origin}); ${report.unsealed} events not sealed yet; ${seconds.toFixed(1)} s`,
    );
  } else {
    const b = report.firstBad!;
    console.log(`AUDIT LOG FAILED VERIFICATION. First bad entry: ${b.leafIndex === null ? "" : `leaf ${b.leafIndex}`}${b.eventId ? `, event ${b.eventId}` : ""}: ${b.problem}`);
    for (const p of report.problems.slice(1, 10)) console.log(`  also: ${p.problem}`);
  }
  code = report.ok ? 0 : 1;
} catch (e) {
  console.error(`audit:verify could not run: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await closeDb().catch(() => {});
  await db?.stop().catch(() => {});
}
process.exit(code);
