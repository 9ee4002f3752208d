import "server-only";
import { pool } from "../../db/client";
import { pgTx } from "../../db/pg-tx";
import { systemActor } from "../actor";
import { AppError } from "../app-error";
import { recordAuditBulk } from "../audit/record-audit-bulk";
import { log } from "../log";
import { isEmbeddedLedger, type TSubmitResult } from "./embedded-ledger";
import type { TLedgerAdapter, TLedgerIntent, TLedgerReceipt } from "./ledger-adapter";
import type { TSettlementPosting } from "./queue-fee-settlement";

export type TSettleOptions = {
  workerId: string;
  adapter: TLedgerAdapter;
  batchSize: number;
  /** A claim lasts this long: a worker killed mid-batch leaves its settlements due again after it. */
  leaseSeconds: number;
  /** Backoff after an outage or a blocked settlement doubles from backoffBaseMs up to this. */
  maxBackoffSeconds: number;
  backoffBaseMs?: number;
  /** How soon a submitted (not yet final) settlement is polled again. */
  pollMs?: number;
};

export type TSettleResult = { claimed: number; final: number; pending: number; blocked: number; failed: number; retrying: number };

type TClaimed = {
  id: string;
  idempotency_key: string;
  kind: string;
  region_code: string;
  amount: string;
  postings: TSettlementPosting[];
  payload_hash: string;
  state: "queued" | "submitted" | "blocked";
  ledger_ref: string | null;
  attempts: number;
};

type TOutcome =
  | { id: string; kind: "final"; receipt: TLedgerReceipt }
  | { id: string; kind: "pending"; receipt: TLedgerReceipt }
  | { id: string; kind: "requeue" | "blocked" | "failed" | "retry"; error: string };

const intentOf = (s: TClaimed): TLedgerIntent => ({
  idempotencyKey: s.idempotency_key,
  kind: s.kind,
  recordId: s.id,
  payloadHash: s.payload_hash,
  postings: s.postings.map((p) => ({ account: p.account, amount: BigInt(p.amount) })),
});

function classifyError(id: string, e: unknown, duringPoll: boolean): TOutcome {
  const msg = e instanceof AppError ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e);
  if (e instanceof AppError) {
    if (e.code === "LEDGER_INSUFFICIENT_FUNDS") return { id, kind: "blocked", error: msg };
    // The ledger does not know the reference (an expired NEO transaction): submit again, same key.
    if (duringPoll && e.code === "NOT_FOUND") return { id, kind: "requeue", error: msg };
    // Bad input cannot succeed by waiting: it stays failed, visible, for a person to correct.
    if (e.code === "VALIDATION" || e.code === "CONFLICT") return { id, kind: "failed", error: msg };
  }
  return { id, kind: "retry", error: msg };
}

function classifyReceipt(id: string, r: TLedgerReceipt): TOutcome {
  if (r.state === "final") return { id, kind: "final", receipt: r };
  if (r.state === "queued" || r.state === "submitted") return { id, kind: "pending", receipt: r };
  if (r.state === "expired") return { id, kind: "requeue", error: r.error ?? "expired" };
  return { id, kind: "failed", error: r.error ?? "failed on the ledger" };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/**
 * One pass of the settlement outbox: claims due settlements (FOR UPDATE SKIP LOCKED, with a lease),
 * submits them to the ledger adapter outside any transaction (or polls the ones already submitted),
 * then records final receipts on the settlements and their fee records with one audit event each,
 * in one transaction. Exactly once: the ledger is idempotent on the settlement's key, so a repeat
 * after a crash returns the same transfer; the receipt is recorded only where the settlement was
 * not final yet, so a repeat writes nothing twice.
 */
export async function settleDueFees(o: TSettleOptions): Promise<TSettleResult> {
  const { rows: claimed } = await pool().query<TClaimed>(
    `with due as (
       select id from settlements
        where state in ('queued', 'submitted', 'blocked') and next_attempt_at <= now()
        order by next_attempt_at, id limit $1 for update skip locked)
     update settlements s set attempts = s.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
       from due where s.id = due.id
     returning s.id, s.idempotency_key, s.kind, s.region_code, s.amount::text, s.postings, s.payload_hash, s.state, s.ledger_ref, s.attempts`,
    [o.batchSize, o.leaseSeconds],
  );
  const result: TSettleResult = { claimed: claimed.length, final: 0, pending: 0, blocked: 0, failed: 0, retrying: 0 };
  if (claimed.length === 0) return result;

  const toPoll = claimed.filter((s) => s.state === "submitted" && s.ledger_ref);
  const toSubmit = claimed.filter((s) => !(s.state === "submitted" && s.ledger_ref));
  const outcomes: TOutcome[] = [];

  outcomes.push(
    ...(await mapLimit(toPoll, 4, async (s) => {
      try {
        return classifyReceipt(s.id, await o.adapter.getStatus(s.ledger_ref!));
      } catch (e) {
        return classifyError(s.id, e, true);
      }
    })),
  );

  if (toSubmit.length) {
    const ledger = o.adapter;
    if (isEmbeddedLedger(ledger)) {
      let results: TSubmitResult[];
      try {
        results = await ledger.submitMany(toSubmit.map(intentOf));
      } catch (e) {
        results = toSubmit.map(() => ({ error: e as AppError }));
      }
      results.forEach((r, i) => outcomes.push("error" in r ? classifyError(toSubmit[i]!.id, r.error, false) : classifyReceipt(toSubmit[i]!.id, r.receipt)));
    } else {
      outcomes.push(
        ...(await mapLimit(toSubmit, 4, async (s) => {
          try {
            return classifyReceipt(s.id, await ledger.submit(intentOf(s)));
          } catch (e) {
            return classifyError(s.id, e, false);
          }
        })),
      );
    }
  }

  const byId = new Map(claimed.map((s) => [s.id, s]));
  const backoffSeconds = (s: TClaimed) => Math.min(o.maxBackoffSeconds, ((o.backoffBaseMs ?? 1000) / 1000) * 2 ** Math.min(20, s.attempts - 1)) * (0.8 + Math.random() * 0.4);
  const finals = outcomes.filter((x): x is Extract<TOutcome, { kind: "final" }> => x.kind === "final");
  const pending = outcomes.filter((x): x is Extract<TOutcome, { kind: "pending" }> => x.kind === "pending");
  const others = outcomes.filter((x): x is Extract<TOutcome, { error: string }> => "error" in x);

  await pgTx(async (client) => {
    if (finals.length) {
      const done = await client.query<{ id: string; idempotency_key: string; region_code: string; amount: string; ledger_ref: string; tx_id: string | null; block: string | null; attempts: number }>(
        `update settlements s set state = 'final', ledger_ref = t.ref, tx_id = t.tx, block = t.block, settled_at = now(),
                submitted_at = coalesce(s.submitted_at, now()), last_error = null, next_attempt_at = now()
           from unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[]) as t(id, ref, tx, block)
          where s.id = t.id and s.state <> 'final'
         returning s.id, s.idempotency_key, s.region_code, s.amount::text, s.ledger_ref, s.tx_id, s.block::text, s.attempts`,
        [finals.map((f) => f.id), finals.map((f) => f.receipt.ref), finals.map((f) => f.receipt.txId), finals.map((f) => f.receipt.block?.toString() ?? null)],
      );
      const ids = done.rows.map((r) => r.id);
      if (ids.length) {
        const fees = await client.query<{ settlement_id: string; n: string }>(
          `with u as (
             update fee_records f set settled_at = s.settled_at, ledger_ref = s.ledger_ref, tx_id = s.tx_id, block = s.block
               from settlements s where f.settlement_id = s.id and s.id = any($1::uuid[]) and f.settled_at is null
             returning f.settlement_id)
           select settlement_id, count(*)::text as n from u group by 1`,
          [ids],
        );
        const feeCount = new Map(fees.rows.map((r) => [r.settlement_id, Number(r.n)]));
        await recordAuditBulk(
          client,
          { ...systemActor(`settlement:${o.workerId}`), regions: [] },
          "fee.settled",
          "settlement",
          done.rows.map((r) => ({
            targetId: r.id,
            regionCode: r.region_code || null,
            summary: { key: r.idempotency_key, amount: r.amount, ledger: o.adapter.name, ledgerRef: r.ledger_ref, txId: r.tx_id, block: r.block, fees: feeCount.get(r.id) ?? 0, attempts: r.attempts },
          })),
        );
      }
      result.final = ids.length;
    }
    if (pending.length) {
      await client.query(
        `update settlements s set state = 'submitted', ledger_ref = t.ref, tx_id = t.tx, submitted_at = coalesce(s.submitted_at, now()),
                next_attempt_at = now() + make_interval(secs => $4), last_error = null
           from unnest($1::uuid[], $2::text[], $3::text[]) as t(id, ref, tx) where s.id = t.id and s.state <> 'final'`,
        [pending.map((p) => p.id), pending.map((p) => p.receipt.ref), pending.map((p) => p.receipt.txId), (o.pollMs ?? 1000) / 1000],
      );
      result.pending = pending.length;
    }
    if (others.length) {
      await client.query(
        `update settlements s
            set state = case t.kind when 'blocked' then 'blocked'::"SettlementState" when 'failed' then 'failed'::"SettlementState"
                                    when 'requeue' then 'queued'::"SettlementState" else s.state end,
                ledger_ref = case when t.kind = 'requeue' then null else s.ledger_ref end,
                last_error = left(t.error, 500),
                next_attempt_at = now() + make_interval(secs => t.wait)
           from unnest($1::uuid[], $2::text[], $3::text[], $4::float8[]) as t(id, kind, error, wait) where s.id = t.id and s.state <> 'final'`,
        [others.map((x) => x.id), others.map((x) => x.kind), others.map((x) => x.error), others.map((x) => (x.kind === "requeue" ? 0 : backoffSeconds(byId.get(x.id)!)))],
      );
      for (const x of others) {
        if (x.kind === "blocked") result.blocked++;
        else if (x.kind === "failed") result.failed++;
        else result.retrying++;
      }
    }
  });
  if (result.blocked || result.failed || result.retrying) {
    log.warn("settlements not final", { ...result, firstError: others[0]?.error });
  }
  return result;
}
