import "server-only";
import type { KeyObject } from "node:crypto";
import { CheckpointError, verifyCheckpoint } from "../../audit-log/checkpoint";
import os from "node:os";
import { CompactRange, equalHash, HASH_SIZE } from "../../audit-log/merkle";
import { pool } from "../../db/client";
import { copyOutBinary } from "./copy-binary";
import { EVENT_COPY_COLUMNS, eventIdAt, hashChunk, leafIdSpan } from "./event-copy";
import { tryOpenHashPool } from "./hash-pool";
import { STORED_LEVEL } from "./log-nodes";

/** A bad entry: one leaf, or a range of leaves [leafIndex, lastLeaf] when only a subtree or root tells. */
export type TBadEntry = { leafIndex: number | null; lastLeaf?: number; eventId: string | null; problem: string };
export type TVerifyReport = {
  ok: boolean;
  treeSize: number;
  leaves: number;
  checkpoints: number;
  latestRoot: string | null;
  /** Committed events not sealed yet (the worker seals them within seconds): not a failure. */
  unsealed: number;
  firstBad: TBadEntry | null;
  problems: TBadEntry[];
};

/** Leaves are read and hashed in aligned chunks of 2^16: each chunk is a perfect subtree of its own. */
const CHUNK_LEVEL = 16;

/**
 * Re-verifies the whole log from the database, trusting only the checkpoint key: every checkpoint's
 * signature, every leaf recomputed from its event row, every checkpoint's root recomputed from
 * those leaves (which is consistency between all checkpoints: each is a prefix of the same leaves).
 * Stored leaf and subtree hashes are used only to point at the first bad entry.
 * Rows arrive as binary COPY; leaves and the subtrees inside each chunk are hashed on worker
 * threads (`threads`, by default one a core for a log of more than two chunks, else this thread),
 * and this thread joins the chunks, checks the checkpoints and names what differs.
 */
export async function verifyAuditLog(opts: {
  publicKey: KeyObject;
  origin: string;
  onProgress?: (done: number, total: number) => void;
  /** Hashing threads; 0 hashes on this thread. */
  threads?: number;
  /** log2 of the chunk size (≥ 8); for tests. */
  chunkLevel?: number;
}): Promise<TVerifyReport> {
  const db = pool();
  const problems: TBadEntry[] = [];
  const bad = (leafIndex: number | null, eventId: string | null, problem: string, lastLeaf?: number) => {
    if (problems.length < 100) problems.push({ leafIndex, eventId, problem, ...(lastLeaf === undefined ? {} : { lastLeaf }) });
  };

  const cps = await db.query<{ id: string; tree_size: string; root_hash: Buffer; note: string }>(
    `select c.id::text, c.tree_size::text, c.root_hash, c.note from audit_checkpoints c order by c.tree_size`,
  );
  const checkpoints: { size: number; root: Uint8Array; id: string }[] = [];
  for (const row of cps.rows) {
    try {
      const c = verifyCheckpoint(row.note, opts.publicKey, opts.origin);
      if (c.size !== Number(row.tree_size) || !equalHash(c.root, row.root_hash)) throw new CheckpointError("the stored size or root differs from the signed note");
      checkpoints.push({ size: c.size, root: c.root, id: row.id });
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      bad(null, null, `checkpoint ${row.id} (tree size ${row.tree_size}): ${e.message}`);
    }
  }
  const latest = checkpoints.at(-1) ?? null;
  const total = Number((await db.query<{ n: string }>(`select coalesce(max(seq) + 1, 0)::text as n from audit_log_leaves`)).rows[0]!.n);

  const level = Math.max(STORED_LEVEL, opts.chunkLevel ?? CHUNK_LEVEL);
  const W = 2 ** level;
  const threads = opts.threads ?? (total > 2 * W ? Math.min(4, os.availableParallelism()) : 0);
  // Counted beside the walk: PostgreSQL has time to spare while the threads hash (it is only reported, never a failure).
  const unsealedCount = db.query<{ n: string }>(`select count(*)::text as n from audit_events e where not exists (select 1 from audit_log_leaves l where l.event_id = e.id)`);
  unsealedCount.catch(() => {});
  const hashPool = threads > 0 ? tryOpenHashPool(threads) : null;
  try {
    // Leaves by their index, then their events by an id range (leaves are sealed mostly in id order),
    // or by the list of ids when the chunk's ids are scattered: index range scans either way.
    // COPY takes no parameters; only numbers from the database's own int8 columns are inlined.
    const fetchChunk = async (lo: number) => {
      const hi = Math.min(total, lo + W);
      const client = await db.connect();
      let task: { lo: number; leaves: Uint8Array; events: Uint8Array };
      let stored: Map<string, Buffer>;
      try {
        let leaves: Uint8Array;
        [leaves, stored] = await Promise.all([
          copyOutBinary(client, `select l.seq, l.event_id from audit_log_leaves l where l.seq >= ${lo} and l.seq < ${hi} order by l.seq`),
          storedNodesEndingIn(lo, hi),
        ]);
        const span = leafIdSpan(leaves);
        const dense = span.max - span.min < BigInt(2 * span.count);
        const events = span.count
          ? await copyOutBinary(
              client,
              dense
                ? `select ${EVENT_COPY_COLUMNS("e")} from audit_events e where e.id between ${span.min} and ${span.max}`
                : `select ${EVENT_COPY_COLUMNS("e")} from audit_events e where e.id = any('{${span.ids.join(",")}}'::bigint[])`,
            )
          : new Uint8Array(0);
        task = { lo, leaves, events };
      } finally {
        client.release();
      }
      const result = hashPool ? await hashPool.chunk({ kind: "chunk", ...task }) : hashChunk(task);
      return { result, stored, hi };
    };
    const ahead = Math.max(2, (hashPool?.threads ?? 0) + 1);
    const pending: ReturnType<typeof fetchChunk>[] = [];
    let nextLo = 0;
    const refill = () => {
      while (pending.length < ahead && nextLo < total) {
        const p = fetchChunk(nextLo);
        p.catch(() => {});
        pending.push(p);
        nextLo += W;
      }
    };

    // Stored leaf hashes are read only for 256-leaf blocks whose recomputed subtree differs from the
    // stored one (and for the last, partial block), to name the first leaf that changed.
    const BLOCK = 2 ** STORED_LEVEL;
    const pinpoint = async (from: number, hashes: Uint8Array, ids: Uint8Array, deleted: Set<number>, rangeProblem: boolean) => {
      const n = hashes.length / HASH_SIZE;
      const r = await db.query<{ seq: string; leaf_hash: Buffer }>(
        `select l.seq::text, l.leaf_hash from audit_log_leaves l where l.seq >= $1 and l.seq < $2 order by l.seq`,
        [from, from + n],
      );
      let found = false;
      for (const row of r.rows) {
        const k = Number(row.seq) - from;
        if (deleted.has(k + from)) continue;
        if (k < n && !equalHash(hashes.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE), row.leaf_hash)) {
          bad(k + from, eventIdAt(ids, k), `event ${eventIdAt(ids, k)} (leaf ${k + from}) differs from what was sealed`);
          found = true;
        }
      }
      let anyDeleted = false;
      for (let k = 0; k < n; k++) if (deleted.has(k + from)) anyDeleted = true;
      if (!found && rangeProblem && !anyDeleted) {
        bad(from, null, `leaves ${from}..${from + n - 1} differ from the subtree sealed over them`, from + n - 1);
      }
    };

    const range = new CompactRange();
    let cpIndex = 0;
    while (cpIndex < checkpoints.length && checkpoints[cpIndex]!.size === 0) cpIndex++;
    let gap = false;
    let last: Awaited<ReturnType<typeof fetchChunk>>["result"] | null = null;
    const deleted = new Set<number>();
    refill();
    while (pending.length && !gap) {
      const { result: r, stored, hi } = await pending.shift()!;
      refill();
      const lo = r.lo;
      const node = (j: number, i: number) => r.levels[j]!.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
      // The perfect subtrees that make up [lo, end) inside the chunk, largest first.
      const pieces = (end: number) => {
        const out: { level: number; hash: Uint8Array }[] = [];
        let at = lo;
        for (let j = level; j >= 0; j--) {
          if (at + 2 ** j <= end) {
            out.push({ level: j, hash: node(j, (at - lo) / 2 ** j) });
            at += 2 ** j;
          }
        }
        return out;
      };
      for (const seq of r.deleted) {
        const id = eventIdAt(r.eventIds, seq - lo);
        bad(seq, id, `event ${id} (leaf ${seq}) was deleted`);
        deleted.add(seq);
      }
      const suspects: number[] = [];
      const check = (j: number, index: number, hash: Uint8Array) => {
        const s = stored.get(`${j}:${index}`);
        if (s && equalHash(s, hash)) return;
        if (j === STORED_LEVEL) suspects.push(index);
        else if (s) bad(index * 2 ** j, null, `leaves ${index * 2 ** j}..${(index + 1) * 2 ** j - 1} differ from the subtree sealed over them`, (index + 1) * 2 ** j - 1);
      };
      for (let j = STORED_LEVEL; j < r.levels.length; j++) {
        for (let i = 0; i < r.levels[j]!.length / HASH_SIZE; i++) check(j, lo / 2 ** j + i, node(j, i));
      }
      const end = lo + r.count;
      const cpRoot = (cp: { size: number; root: Uint8Array; id: string }, root: Uint8Array) => {
        if (!equalHash(root, cp.root)) {
          const prev = cpIndex > 0 ? checkpoints[cpIndex - 1]!.size : 0;
          bad(prev, null, `the log's first ${cp.size} leaves do not hash to checkpoint ${cp.id}'s root (a change in leaves ${prev}..${cp.size - 1})`, cp.size - 1);
        }
      };
      // Checkpoints inside the chunk: the edge so far, then the chunk's own pieces up to their size.
      while (cpIndex < checkpoints.length && checkpoints[cpIndex]!.size < end) {
        const cp = checkpoints[cpIndex]!;
        const p = pieces(cp.size);
        cpRoot(cp, CompactRange.fromSubtrees(cp.size, [...range.stack, ...p.map((x) => x.hash)]).root());
        cpIndex++;
      }
      if (r.count === W) range.appendSubtree(level, node(level, 0), check);
      else for (const p of pieces(end)) range.appendSubtree(p.level, p.hash, check);
      while (cpIndex < checkpoints.length && checkpoints[cpIndex]!.size === range.size) {
        cpRoot(checkpoints[cpIndex]!, range.root());
        cpIndex++;
      }
      for (const b of suspects) {
        const from = b * BLOCK;
        await pinpoint(from, r.levels[0]!.subarray((from - lo) * HASH_SIZE, (from - lo + BLOCK) * HASH_SIZE), r.eventIds.subarray(8 * (from - lo), 8 * (from - lo + BLOCK)), deleted, true);
      }
      if (end < hi) {
        // Every later leaf would be misplaced: the first bad entry is this one, and the walk stops.
        const next =
          r.gapSeq ?? Number((await db.query<{ s: string }>(`select min(seq)::text as s from audit_log_leaves where seq >= $1`, [hi])).rows[0]!.s);
        bad(end, null, `leaf ${end} is missing (the next one is ${next})`);
        gap = true;
      }
      last = r;
      opts.onProgress?.(hi, total);
    }
    if (!gap && last) {
      const tailFrom = Math.floor(range.size / BLOCK) * BLOCK;
      const k = tailFrom - last.lo;
      if (range.size > tailFrom) await pinpoint(tailFrom, last.levels[0]!.subarray(k * HASH_SIZE), last.eventIds.subarray(8 * k), deleted, false);
    }
    for (; cpIndex < checkpoints.length && !gap; cpIndex++) {
      bad(range.size, null, `checkpoint ${checkpoints[cpIndex]!.id} covers ${checkpoints[cpIndex]!.size} leaves, the log has ${range.size}: leaves were removed`);
    }
    if (latest && range.size > latest.size) bad(latest.size, null, `${range.size - latest.size} leaves after the latest checkpoint are not signed`);
    if (!latest && range.size > 0) bad(0, null, "the log has leaves but no valid checkpoint");

    const unsealed = Number((await unsealedCount).rows[0]!.n);
    // A single leaf ranks by its index, a range by its end: the narrowest, earliest finding comes first.
    // On the same end the narrower one comes first: a leaf ending a 512-leaf subtree is named before the subtree.
    const endOf = (p: TBadEntry) => p.lastLeaf ?? p.leafIndex ?? -1;
    problems.sort((a, b) => endOf(a) - endOf(b) || (b.leafIndex ?? -1) - (a.leafIndex ?? -1));
    return {
      ok: problems.length === 0,
      treeSize: latest?.size ?? 0,
      leaves: range.size,
      checkpoints: checkpoints.length,
      latestRoot: latest ? Buffer.from(latest.root).toString("base64") : null,
      unsealed,
      firstBad: problems[0] ?? null,
      problems,
    };
  } finally {
    await hashPool?.close();
  }
}

/** Stored subtrees (level ≥ 8) whose last leaf lies in [lo, hi). */
async function storedNodesEndingIn(lo: number, hi: number): Promise<Map<string, Buffer>> {
  const levels: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  for (let level = STORED_LEVEL; 2 ** level <= hi; level++) {
    const w = 2 ** level;
    const a = Math.ceil((lo + 1) / w) - 1;
    const b = Math.floor(hi / w) - 1;
    if (b >= a && b >= 0) {
      levels.push(level);
      from.push(Math.max(a, 0));
      to.push(b);
    }
  }
  const out = new Map<string, Buffer>();
  if (!levels.length) return out;
  const r = await pool().query<{ level: number; idx: string; hash: Buffer }>(
    `select n.level, n.idx::text, n.hash from unnest($1::smallint[], $2::bigint[], $3::bigint[]) w(level, a, b)
       join audit_log_nodes n on n.level = w.level and n.idx between w.a and w.b`,
    [levels, from, to],
  );
  for (const row of r.rows) out.set(`${row.level}:${Number(row.idx)}`, row.hash);
  return out;
}
