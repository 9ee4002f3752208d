import "server-only";
import { createHash } from "node:crypto";
import type pg from "pg";
import { signCheckpoint } from "../../audit-log/checkpoint";
import { CompactRange, compactRangeNodes, HASH_SIZE } from "../../audit-log/merkle";
import { pool } from "../../db/client";
import { auditLogOrigin, checkpointPrivateKey } from "./audit-log-keys";
import { copyInBinary, copyOutBinary, encodeBinaryRows } from "./copy-binary";
import { EVENT_COPY_COLUMNS, hashEventRows, splitCopy } from "./event-copy";
import { tryOpenHashPool, type THashPool } from "./hash-pool";
import { loadNodes, STORED_LEVEL } from "./log-nodes";

// One advisory lock serialises sealers (several workers may run): leaf numbers are assigned under it.
const SEAL_LOCK_KEY = 0x5ea1a0d1;

export type TSealResult = { sealed: number; checkpoints: number; treeSize: number; busy: boolean };

/**
 * Seals committed, unsealed audit events into the Merkle log in batches; each batch appends its
 * leaves, stores its completed subtrees, signs a checkpoint and queues its ledger anchor in one
 * transaction, so a checkpoint exists if and only if its leaves do.
 */
export async function sealAuditLog(opts: { batchSize?: number; maxBatches?: number; /** Hash large batches on worker threads (default). */ threads?: boolean } = {}): Promise<TSealResult> {
  const batchSize = opts.batchSize ?? 50_000;
  const out: TSealResult = { sealed: 0, checkpoints: 0, treeSize: 0, busy: false };
  const client = await pool().connect();
  try {
    for (let i = 0; i < (opts.maxBatches ?? Infinity); i++) {
      const r = await sealBatch(client, batchSize, opts.threads ?? true);
      if (r === "busy") {
        out.busy = true;
        break;
      }
      out.sealed += r.sealed;
      out.treeSize = r.treeSize;
      if (r.sealed) out.checkpoints++;
      if (r.sealed < batchSize) break;
    }
  } finally {
    client.release();
  }
  return out;
}

// Large batches are hashed on worker threads; the pool outlives a call (its threads end when idle).
const THREADED_FROM = 8_000;
let hashPool: THashPool | null | undefined;
async function hashEvents(copied: Uint8Array, threaded: boolean): Promise<{ ids: string[]; hashes: Uint8Array }> {
  if (!threaded || copied.length < THREADED_FROM * 200) return hashEventRows(copied);
  if (hashPool === undefined) hashPool = tryOpenHashPool(undefined, { minThreads: 0, idleTimeout: 2_000 });
  if (!hashPool) return hashEventRows(copied);
  const parts = await Promise.all(splitCopy(copied, 11, hashPool.threads).map((p) => hashPool!.events(p)));
  const hashes = new Uint8Array(parts.reduce((s, p) => s + p.hashes.length, 0));
  let off = 0;
  for (const p of parts) {
    hashes.set(p.hashes, off);
    off += p.hashes.length;
  }
  return { ids: parts.flatMap((p) => p.ids), hashes };
}

/*
 * Which events are safe to look at (README, "Sealing and the id gap"). Leaves are numbered in
 * sealing order and each names its event, so a late commit of a low id is simply sealed later:
 * correctness never depends on id order. The watermark W only keeps the search for unsealed events
 * small ("id > W and not sealed"); it claims that every id ≤ W is sealed or can never exist:
 *  - audit_events_next_id() assigns the transaction id before drawing the event id, so every id the
 *    sequence had handed out by the moment we read its last value L belongs to a transaction whose
 *    id is below the next unassigned transaction id X we read just after. Once the oldest running
 *    transaction (snapshot xmin) is ≥ X, every id ≤ L is committed (visible) or rolled back (never).
 *    The scan then returns every unsealed committed id ≤ L (up to its last row when the batch is
 *    full), so once this batch commits they are all sealed and W may move up to there.
 *  - ids W+1, W+2, … that this batch sealed contiguously are sealed.
 */
async function sealBatch(client: pg.PoolClient, batchSize: number, threaded: boolean): Promise<{ sealed: number; treeSize: number } | "busy"> {
  await client.query("begin");
  try {
    const lock = await client.query<{ ok: boolean }>(`select pg_try_advisory_xact_lock(${SEAL_LOCK_KEY}) as ok`);
    if (!lock.rows[0]!.ok) {
      await client.query("rollback");
      return "busy";
    }
    const c = await client.query<{ watermark: string; pending_last_id: string; pending_xmax: string }>(
      `select watermark::text, pending_last_id::text, pending_xmax::text from audit_seal_cursor where id = 1 for update`,
    );
    let watermark = BigInt(c.rows[0]!.watermark);
    let pendingLastId = BigInt(c.rows[0]!.pending_last_id);
    let pendingXmax = BigInt(c.rows[0]!.pending_xmax);
    const xmin = BigInt((await client.query<{ x: string }>(`select pg_snapshot_xmin(pg_current_snapshot())::text as x`)).rows[0]!.x);
    // Every id ≤ finalUpTo is committed (so the scan below sees it) or rolled back.
    let finalUpTo = 0n;
    if (pendingXmax === 0n || xmin >= pendingXmax) {
      if (pendingXmax !== 0n) finalUpTo = pendingLastId;
      // Two statements, in this order: L is read before the snapshot that gives X.
      const seq = await client.query<{ l: string }>(`select (case when is_called then last_value else last_value - 1 end)::text as l from audit_events_id_seq`);
      pendingLastId = BigInt(seq.rows[0]!.l);
      pendingXmax = BigInt((await client.query<{ x: string }>(`select pg_snapshot_xmax(pg_current_snapshot())::text as x`)).rows[0]!.x);
    }

    // Binary COPY: no per-row text parsing here and no to_char there (event-copy.ts writes `at`).
    const copied = await copyOutBinary(
      client,
      `select ${EVENT_COPY_COLUMNS("e")} from audit_events e
        where e.id > ${watermark} and not exists (select 1 from audit_log_leaves l where l.event_id = e.id)
        order by e.id limit ${Math.floor(batchSize)}`,
    );
    const hashed = await hashEvents(copied, threaded);
    const events = { rows: hashed.ids.map((id) => ({ id })) };
    let contiguous = watermark;
    for (const row of events.rows) {
      if (BigInt(row.id as string) !== contiguous + 1n) break;
      contiguous++;
    }
    watermark = contiguous;
    if (finalUpTo > watermark) {
      // The scan returned every unsealed visible id up to its last row (all of them if not full).
      const last = events.rows.length ? BigInt(events.rows.at(-1)!.id as string) : finalUpTo;
      const reach = events.rows.length < batchSize ? finalUpTo : last < finalUpTo ? last : finalUpTo;
      if (reach > watermark) watermark = reach;
    }
    await client.query(`update audit_seal_cursor set watermark = $1, pending_last_id = $2, pending_xmax = $3, updated_at = now() where id = 1`, [
      watermark.toString(),
      pendingLastId.toString(),
      pendingXmax.toString(),
    ]);

    const size = Number((await client.query<{ n: string }>(`select coalesce(max(seq) + 1, 0)::text as n from audit_log_leaves`)).rows[0]!.n);
    if (events.rows.length === 0) {
      await client.query("commit");
      return { sealed: 0, treeSize: size };
    }

    const edge = compactRangeNodes(size);
    const nodes = await loadNodes(client, edge);
    const range = CompactRange.fromSubtrees(size, edge.map((n) => nodes.get(`${n.level}:${n.index}`)!));
    const first = range.size;
    const newNodes: { level: number; index: number; hash: Uint8Array }[] = [];
    for (let k = 0; k < hashed.ids.length; k++) {
      range.append(hashed.hashes.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE), (level, index, hash) => {
        if (level >= STORED_LEVEL) newNodes.push({ level, index, hash });
      });
    }
    const leafRows = encodeBinaryRows(
      hashed.ids.length,
      (k, f) => (f === 0 ? BigInt(first + k) : f === 1 ? hashed.ids[k]! : hashed.hashes.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE)),
      ["int8", "int8", "bytea"],
    );
    await copyInBinary(client, "audit_log_leaves (seq, event_id, leaf_hash)", leafRows);
    if (newNodes.length) {
      await client.query(`insert into audit_log_nodes (level, idx, hash) select * from unnest($1::smallint[], $2::bigint[], $3::bytea[])`, [
        newNodes.map((n) => n.level),
        newNodes.map((n) => String(n.index)),
        newNodes.map((n) => Buffer.from(n.hash)),
      ]);
    }
    const origin = auditLogOrigin();
    const cp = signCheckpoint({ origin, size: range.size, root: range.root() }, checkpointPrivateKey());
    const inserted = await client.query<{ id: string }>(
      `insert into audit_checkpoints (tree_size, root_hash, origin, note) values ($1, $2, $3, $4) returning id::text`,
      [String(cp.size), Buffer.from(cp.root), origin, cp.note],
    );
    await client.query(`insert into audit_anchors (checkpoint_id, idempotency_key, payload_hash) values ($1, $2, $3)`, [
      inserted.rows[0]!.id,
      `audit-checkpoint:${origin}:${cp.size}`,
      createHash("sha256").update(cp.note).digest("hex"),
    ]);
    await client.query("commit");
    return { sealed: events.rows.length, treeSize: range.size };
  } catch (e) {
    await client.query("rollback").catch(() => {});
    throw e;
  }
}
