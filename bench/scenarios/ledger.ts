// ledger: N fee settlements through the embedded ledger adapter, exactly as the worker works them
// (claim from the settlements outbox, one batched submit per claim, receipts onto the fee records
// and one audit event each). Floor: one INSERT of 2N rows into an unconstrained entries table.
import { randomUUID } from "node:crypto";
import { env } from "../../lib/env.js";
import { pool } from "../../lib/db/client";
import { seedRegions } from "../../lib/db/seed";
import { systemActor } from "../../lib/server/actor";
import { createEmbeddedLedger } from "../../lib/server/ledger/embedded-ledger";
import { ensureLedgerAccounts } from "../../lib/server/ledger/ensure-ledger-accounts";
import { fundBureauAccount } from "../../lib/server/ledger/fund-bureau-account";
import { bureauAccount, TKY } from "../../lib/server/ledger/ledger-accounts";
import { settleDueFees } from "../../lib/server/ledger/settle-due-fees";
import { verifyLedgerChain } from "../../lib/server/ledger/verify-ledger-chain";
import { timed, type TScenario } from "../harness";

const FLOOR_TABLE = "bench_ledger_floor";

export const ledgerScenario: TScenario = {
  name: "ledger",
  defaultN: 20_000,
  summary: "settle N fee batches from the outbox through the embedded double-entry ledger vs one INSERT of 2N entry rows",
  async run(ctx) {
    if (ctx.external) throw new Error("ledger needs a fresh database: run it without DATABASE_URL");
    const { n } = ctx;
    await seedRegions();
    await ensureLedgerAccounts();
    await fundBureauAccount(systemActor(), { province: "52", amount: BigInt(n) * 3n * TKY, key: "bench-funding:52" });
    const runId = randomUUID();
    const postings = JSON.stringify([
      { account: bureauAccount("52"), amount: (-3n * TKY).toString() },
      { account: env.LEDGER_OPERATOR_ACCOUNT, amount: (2n * TKY).toString() },
      { account: env.LEDGER_PROVIDER_ACCOUNT, amount: TKY.toString() },
    ]);
    ctx.log(`setup: ${n.toLocaleString("en")} fee records and their queued settlements`);
    await pool().query(
      `with s as (
         insert into settlements (id, idempotency_key, kind, record_id, period, region_code, amount, postings, payload_hash)
         select gen_random_uuid(), 'fee-batch:' || $1 || ':' || g, 'fee-batch', 'fee-batch:' || $1 || ':' || g, '2026-10', '520102', $2, $3::jsonb,
                encode(sha256(convert_to('bench:' || g, 'UTF8')), 'hex')
           from generate_series(1, $4) g
         returning id, idempotency_key)
       insert into fee_records (id, kind, run_id, batch_no, period, region_code, count, amount, platform_share, provider_share, schedule_version, bdmi_call_id, settlement_id)
       select gen_random_uuid(), 'assessment', $1::uuid, split_part(s.idempotency_key, ':', 3)::int, '2026-10', '520102', 1, $2, $5, $6, 'bench', 'bench', s.id from s`,
      [runId, (3n * TKY).toString(), postings, n, (2n * TKY).toString(), TKY.toString()],
    );
    await pool().query("vacuum analyze settlements, fee_records");

    const adapter = createEmbeddedLedger();
    const options = { workerId: "bench", adapter, batchSize: env.SETTLE_BATCH_SIZE, leaseSeconds: 60, maxBackoffSeconds: 60 };
    const own = await timed(async () => {
      let done = 0;
      for (;;) {
        const r = await settleDueFees(options);
        if (r.claimed === 0) break;
        if (r.final !== r.claimed) throw new Error(`a pass settled ${r.final} of ${r.claimed}`);
        done += r.final;
        ctx.progress("settling", done, n);
      }
      return done;
    });
    if (own.value !== n) throw new Error(`settled ${own.value} of ${n}`);
    const check = await pool().query<{ transfers: string; unsettled: string }>(
      `select (select count(*) from ledger_transfers where idempotency_key like $1)::text as transfers,
              (select count(*) from fee_records where run_id = $2 and settled_at is null)::text as unsettled`,
      [`fee-batch:${runId}:%`, runId],
    );
    if (Number(check.rows[0]!.transfers) !== n || check.rows[0]!.unsettled !== "0") throw new Error(`check failed: ${JSON.stringify(check.rows[0])}`);
    const chain = await verifyLedgerChain();
    if (!chain.ok) throw new Error(`ledger chain broken: ${JSON.stringify(chain.firstBad)}`);
    ctx.log(`checked: ${n.toLocaleString("en")} transfers, every fee settled, chain verified to height ${chain.height}`);

    await pool().query(`create table ${FLOOR_TABLE} (transfer_seq bigint, n int, account text, amount bigint)`);
    const floor = await timed(() =>
      pool().query(
        `insert into ${FLOOR_TABLE} select g / 2, g % 2, case when g % 2 = 0 then 'bureau:52' else 'operator:thekey' end, case when g % 2 = 0 then -300000000 else 300000000 end
           from generate_series(1, $1) g`,
        [2 * n],
      ),
    );
    return { seconds: own.seconds, floorSeconds: floor.seconds, p50Ms: null, p95Ms: null };
  },
};
