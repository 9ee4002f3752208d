import "server-only";

// The ledger adapter (architecture.md): one interface in front of every ledger the fees can be
// settled on. The embedded double-entry ledger in Postgres is the default; NEO N3 (NEP-17 TKY
// transfers) is another. Amounts are bigint base units of TKY (8 decimals), never floats.

export type TLedgerState = "queued" | "submitted" | "final" | "failed" | "expired";

export type TLedgerPosting = {
  /** Account code, e.g. "bureau:52", "operator:thekey", "provider:data". */
  account: string;
  /** Base units; debits negative, credits positive; the postings of an intent sum to zero. */
  amount: bigint;
};

export type TLedgerIntent = {
  /** The same key always returns the same reference and never moves money twice. */
  idempotencyKey: string;
  /** What is being settled (e.g. "fee-batch"), and the platform's record id for it. */
  kind: string;
  recordId: string;
  postings: TLedgerPosting[];
  /** SHA-256 (hex) of the canonical payload the ledger record must carry (verify() checks it). */
  payloadHash: string;
  memo?: string;
};

export type TLedgerReceipt = {
  ref: string;
  state: TLedgerState;
  /** The ledger's own transaction id (an entry id, a NEO tx hash), once known. */
  txId: string | null;
  /** Block height (NEO) or entry sequence (embedded), once final. */
  block: bigint | null;
  error: string | null;
};

export type TLedgerHead = { height: bigint; hash: string };

export type TLedgerAdapter = {
  readonly name: string;
  /** Idempotent on intent.idempotencyKey; a reused key with a different intent is refused (CONFLICT). */
  submit(intent: TLedgerIntent): Promise<TLedgerReceipt>;
  getStatus(ref: string): Promise<TLedgerReceipt>;
  /** Is the record on the ledger, and does its payload hash match? */
  verify(ref: string, payloadHash: string): Promise<{ onLedger: boolean; hashMatches: boolean }>;
  /** Height and hash of the ledger's head, for anchoring audit checkpoints. */
  head(): Promise<TLedgerHead>;
};
