import { createHash } from "node:crypto";
import { AppError, type TFieldError } from "../app-error";
import type { TLedgerIntent } from "./ledger-adapter";

// The canonical form of a ledger intent: the one byte string the embedded ledger stores, compares
// on replay (same key + same body = same transfer) and chains into its hash.

/** Largest |amount| a posting may carry: Postgres bigint. */
const MAX_AMOUNT = 2n ** 63n - 1n;

export const sha256Hex = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

/**
 * Refuses an intent that cannot be a transfer, naming the field: fewer than two postings, a zero
 * or out-of-range amount, an account twice, postings that do not sum to zero, a missing key.
 */
export function validateIntent(intent: TLedgerIntent): void {
  const errors: TFieldError[] = [];
  if (!intent.idempotencyKey) errors.push({ path: "idempotencyKey", message: "required" });
  if (!intent.kind) errors.push({ path: "kind", message: "required" });
  if (!intent.recordId) errors.push({ path: "recordId", message: "required" });
  if (!/^[0-9a-f]{64}$/.test(intent.payloadHash)) errors.push({ path: "payloadHash", message: "must be a SHA-256 hex digest" });
  if (intent.postings.length < 2) errors.push({ path: "postings", message: "a transfer needs two or more postings" });
  const seen = new Set<string>();
  let sum = 0n;
  intent.postings.forEach((p, i) => {
    if (!p.account) errors.push({ path: `postings.${i}.account`, message: "required" });
    else if (seen.has(p.account)) errors.push({ path: `postings.${i}.account`, message: `account ${p.account} appears twice` });
    seen.add(p.account);
    if (typeof p.amount !== "bigint") errors.push({ path: `postings.${i}.amount`, message: "must be bigint base units" });
    else if (p.amount === 0n) errors.push({ path: `postings.${i}.amount`, message: "must not be zero" });
    else if (p.amount > MAX_AMOUNT || p.amount < -MAX_AMOUNT) errors.push({ path: `postings.${i}.amount`, message: "out of range" });
    else sum += p.amount;
  });
  if (errors.length === 0 && sum !== 0n) errors.push({ path: "postings", message: `the postings do not sum to zero (sum ${sum})` });
  if (errors.length) throw new AppError("VALIDATION", "The ledger intent is invalid", { fieldErrors: errors, logMessage: `invalid ledger intent ${intent.idempotencyKey}: ${errors.map((e) => `${e.path} ${e.message}`).join("; ")}` });
}

/** The canonical intent: fixed key order, amounts as decimal strings, postings in the given order. */
export function canonicalIntent(intent: TLedgerIntent): string {
  return JSON.stringify({
    v: 1,
    key: intent.idempotencyKey,
    kind: intent.kind,
    recordId: intent.recordId,
    payloadHash: intent.payloadHash,
    memo: intent.memo ?? null,
    postings: intent.postings.map((p) => [p.account, p.amount.toString()]),
  });
}

/** The chain: hash(n) = SHA-256(hash(n-1) bytes ‖ n as 8-byte big-endian ‖ body as UTF-8); height 0 is 32 zero bytes. */
export function chainHash(prevHashHex: string, seq: bigint, body: string): string {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigInt64BE(seq);
  return sha256Hex(Buffer.concat([Buffer.from(prevHashHex, "hex"), seqBytes, Buffer.from(body, "utf8")]));
}

export const GENESIS_HASH = "0".repeat(64);
