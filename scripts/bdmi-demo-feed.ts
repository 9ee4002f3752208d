// npm run bdmi:demo-feed -- --period 2026-10 [--period 2026-11 | --period 2026-10,2026-11] [--url http://…] [--seed 2026]
// Loads a realistic month of government evidence for the platform's active pensioners into the
// BDMI service: reads and decrypts their ID numbers from the platform database, enrols them, and
// posts one signed feed per source and chunk (lib/bdmi/demo-evidence-loader.ts).
import { parseArgs } from "node:util";
import { closeDb, pool, useDatabaseUrl } from "../lib/db/client";
import { startEmbeddedPostgres, type TDatabase } from "../lib/db/embedded";
import { bdmiUrl, env, required } from "../lib/env.js";
import { DEMO_SEED, loadDemoEvidence } from "../lib/bdmi/demo-evidence-loader";
import { formatTky } from "../lib/bdmi/contract";
import { loadPrivateKey, loadPublicKey } from "../lib/bdmi/signing";
import { isPeriod } from "../lib/bdmi/survival-model";
import { decryptPii } from "../lib/server/pensioners/pii-crypto";

const say = (m: string) => console.log(`[bdmi:demo-feed] ${m}`);

async function main() {
  const { values } = parseArgs({
    options: { period: { type: "string", multiple: true }, url: { type: "string" }, seed: { type: "string" } },
  });
  const periods = (values.period ?? []).flatMap((p) => p.split(",")).map((p) => p.trim()).filter(Boolean);
  if (!periods.length || !periods.every(isPeriod)) throw new Error("give at least one --period YYYY-MM");
  const seed = values.seed ? Number(values.seed) : DEMO_SEED;

  // Without DATABASE_URL, join (or start) the embedded PostgreSQL as `npm start` does.
  let db: TDatabase | null = null;
  if (!env.DATABASE_URL) {
    db = await startEmbeddedPostgres(env.DATA_DIR, say);
    useDatabaseUrl(db.url);
  }
  try {
    const t0 = performance.now();
    const { rows } = await pool().query<{ id_cipher: Buffer; id_key_version: number }>(
      "select id_cipher, id_key_version from pensioners where payment_status = 'active'",
    );
    // Sorted, so that the same roll always makes the same feeds (and a rerun replays them).
    const nationalIds = rows.map((r) => decryptPii(r.id_cipher, r.id_key_version)).sort();
    say(`${nationalIds.length} active pensioners read in ${Math.round(performance.now() - t0)} ms`);

    const endpoint = {
      baseUrl: values.url ?? bdmiUrl(),
      agencyId: env.BDMI_AGENCY_ID,
      agencyKey: loadPrivateKey(required("BDMI_AGENCY_PRIVATE_KEY")),
      serviceKey: loadPublicKey(required("BDMI_SERVICE_PUBLIC_KEY")),
    };
    say(`loading ${periods.join(", ")} into ${endpoint.baseUrl} as ${endpoint.agencyId} (seed ${seed})`);
    const r = await loadDemoEvidence({
      endpoint,
      nationalIds,
      periods,
      seed,
      onProgress: (p) => {
        if (p.kind === "enrolled") say(`enrolled ${p.done}/${p.total} (${p.added} new)`);
        else {
          const f = p.report;
          say(
            `${f.feedId}: ${f.received} received, ${f.accepted} accepted, ${f.rejected} rejected, ${f.unknownCodes} unknown codes, ` +
              `${f.notEnrolled} not enrolled${f.replayed ? " — already loaded, replayed" : ""} (${Math.round(p.ms)} ms)`,
          );
        }
      },
    });
    say(`done: ${r.items} items in ${r.feeds.length} feeds, ${r.accepted} accepted, in ${(r.ms / 1000).toFixed(1)} s`);
    say(`each assessment of these will cost ${formatTky("300000000")} TKY under the default fee schedule`);
  } finally {
    await closeDb();
    await db?.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
