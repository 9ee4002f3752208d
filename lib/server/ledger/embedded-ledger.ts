import "server-only";
import type pg from "pg";
import { pool } from "../../db/client";
import { AppError } from "../app-error";
import type { TLedgerAdapter, TLedgerHead, TLedgerIntent, TLedgerReceipt } from "./ledger-adapter";
import { canonicalIntent, chainHash, validateIntent } from "./ledger-intent";

// The embedded double-entry ledger (architecture.md): tables ledger_accounts, ledger_transfers,
// ledger_postings and ledger_head, whose rules live in SQL (migration 20261124000200_ledger): the
// function ledger_submit writes a transfer all or nothing under the head's row lock, triggers keep
// entries append-only, move balances and refuse an overdraft, and a deferred constraint trigger
// refuses a transfer whose postings do not sum to zero.

type TSubmitRow = { code: "ok" | "replayed" | "conflict" | "invalid" | "unknown_account" | "insufficient"; ref: string | null; seq: string | null; hash: string | null; detail: string | null };

export type TSubmitResult = { receipt: TLedgerReceipt; replayed: boolean } | { error: AppError };

export type TEmbeddedLedger = TLedgerAdapter & {
  /** Many intents in one transaction (the settlement worker's batches); each succeeds or is refused on its own. */
  submitMany(intents: TLedgerIntent[]): Promise<TSubmitResult[]>;
  /** One intent inside the caller's transaction, so a use case commits the transfer with its audit event. */
  submitIn(client: pg.PoolClient, intent: TLedgerIntent): Promise<{ receipt: TLedgerReceipt; replayed: boolean }>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const final = (r: TSubmitRow): TLedgerReceipt => ({ ref: r.ref!, state: "final", txId: r.hash, block: BigInt(r.seq!), error: null });

function outcome(intent: TLedgerIntent, r: TSubmitRow): TSubmitResult {
  switch (r.code) {
    case "ok":
    case "replayed":
      return { receipt: final(r), replayed: r.code === "replayed" };
    case "conflict":
      return { error: new AppError("CONFLICT", "This idempotency key was already used for a different transfer", { logMessage: r.detail ?? undefined }) };
    case "unknown_account": {
      const missing = new Set((r.detail ?? "").split(", "));
      const fieldErrors = intent.postings.flatMap((p, i) => (missing.has(p.account) ? [{ path: `postings.${i}.account`, message: `unknown account ${p.account}` }] : []));
      return { error: new AppError("VALIDATION", "The ledger intent names an unknown account", { fieldErrors, logMessage: `unknown ledger account(s): ${r.detail}` }) };
    }
    case "insufficient":
      return { error: new AppError("LEDGER_INSUFFICIENT_FUNDS", "The paying account's balance is too low for this transfer", { logMessage: `insufficient funds in ${r.detail} for ${intent.idempotencyKey}` }) };
    default:
      return { error: new AppError("VALIDATION", "The ledger intent is invalid", { fieldErrors: [{ path: "postings", message: r.detail ?? "invalid" }], logMessage: r.detail ?? undefined }) };
  }
}

function unwrap(r: TSubmitResult): { receipt: TLedgerReceipt; replayed: boolean } {
  if ("error" in r) throw r.error;
  return r;
}

async function submitWith(db: pg.Pool | pg.PoolClient, intent: TLedgerIntent): Promise<TSubmitResult> {
  try {
    validateIntent(intent);
  } catch (e) {
    return { error: e as AppError };
  }
  const { rows } = await db.query<TSubmitRow>(`select * from ledger_submit($1)`, [canonicalIntent(intent)]);
  return outcome(intent, rows[0]!);
}

export function createEmbeddedLedger(): TEmbeddedLedger {
  return {
    name: "embedded",

    async submit(intent) {
      return unwrap(await submitWith(pool(), intent)).receipt;
    },

    async submitIn(client, intent) {
      return unwrap(await submitWith(client, intent));
    },

    async submitMany(intents) {
      const results: TSubmitResult[] = new Array(intents.length);
      const bodies: string[] = [];
      const at: number[] = [];
      intents.forEach((intent, i) => {
        try {
          validateIntent(intent);
          bodies.push(canonicalIntent(intent));
          at.push(i);
        } catch (e) {
          results[i] = { error: e as AppError };
        }
      });
      if (bodies.length) {
        // One call, one transaction: the intents are checked in order against running balances and
        // written with one statement each for transfers and postings (migration ..._ledger_batch_submit).
        const { rows } = await pool().query<TSubmitRow & { i: number }>(`select * from ledger_submit_many($1::text[])`, [bodies]);
        for (const row of rows) {
          const i = at[Number(row.i) - 1]!;
          results[i] = outcome(intents[i]!, row);
        }
      }
      return results;
    },

    async getStatus(ref) {
      if (!UUID.test(ref)) throw AppError.notFound("ledger transfer");
      const { rows } = await pool().query<{ seq: string; hash: string }>(`select seq, hash from ledger_transfers where id = $1`, [ref]);
      if (!rows[0]) throw AppError.notFound("ledger transfer");
      return { ref, state: "final", txId: rows[0].hash, block: BigInt(rows[0].seq), error: null };
    },

    async verify(ref, payloadHash) {
      if (!UUID.test(ref)) return { onLedger: false, hashMatches: false };
      const { rows } = await pool().query<{ seq: string; body: string; prev_hash: string; hash: string; payload_hash: string }>(
        `select seq, body, prev_hash, hash, payload_hash from ledger_transfers where id = $1`,
        [ref],
      );
      const t = rows[0];
      // On the ledger means present and its chain link intact: the stored hash is the hash of its body.
      if (!t || chainHash(t.prev_hash, BigInt(t.seq), t.body) !== t.hash) return { onLedger: false, hashMatches: false };
      return { onLedger: true, hashMatches: t.payload_hash === payloadHash && JSON.parse(t.body).payloadHash === payloadHash };
    },

    async head(): Promise<TLedgerHead> {
      const { rows } = await pool().query<{ height: string; hash: string }>(`select height, hash from ledger_head where id = 1`);
      return { height: BigInt(rows[0]!.height), hash: rows[0]!.hash };
    },
  };
}

export function isEmbeddedLedger(a: TLedgerAdapter): a is TEmbeddedLedger {
  return a.name === "embedded" && "submitMany" in a;
}
