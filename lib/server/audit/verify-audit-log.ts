import "server-only";
import type { KeyObject } from "node:crypto";
import { CheckpointError, verifyCheckpoint } from "../../audit-log/checkpoint";
import { eventLeafHash } from "../../audit-log/leaf";
import { CompactRange, equalHash } from "../../audit-log/merkle";
import { pool } from "../../db/client";
import { LEAF_EVENT_COLUMNS, leafEventOf } from "./event-row";
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

const CHUNK = 50_000;

/**
 * Re-verifies the whole log from the database, trusting only the checkpoint key: every checkpoint's
 * signature, every leaf recomputed from its event row, every checkpoint's root recomputed from
 * those leaves (which is consistency between all checkpoints: each is a prefix of the same leaves).
 * Stored leaf and subtree hashes are used only to point at the first bad entry.
 */
export async function verifyAuditLog(opts: { publicKey: KeyObject; origin: string; onProgress?: (done: number, total: number) => void }): Promise<TVerifyReport> {
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

  const range = new CompactRange();
  let cpIndex = 0;
  while (cpIndex < checkpoints.length && checkpoints[cpIndex]!.size === 0) cpIndex++;
  let expected = 0;
  let gap = false;
  // The next chunk is read while this one is hashed: Postgres and Node work side by side.
  // Leaves by their index, then their events by an id range (leaves are sealed mostly in id order),
  // or by the list of ids when the chunk's ids are scattered: index range scans either way.
  const fetchChunk = async (lo: number) => {
    const hi = Math.min(total, lo + CHUNK);
    const [leaves, stored] = await Promise.all([
      db.query<{ seq: string; event_id: string }>(
        `select l.seq::text, l.event_id::text from audit_log_leaves l where l.seq >= $1 and l.seq < $2 order by l.seq`,
        [lo, hi],
      ),
      storedNodesEndingIn(lo, hi),
    ]);
    let min = BigInt(Number.MAX_SAFE_INTEGER);
    let max = 0n;
    for (const l of leaves.rows) {
      const id = BigInt(l.event_id);
      if (id < min) min = id;
      if (id > max) max = id;
    }
    const dense = max - min < BigInt(2 * leaves.rows.length);
    const events = leaves.rows.length
      ? await db.query(
          dense
            ? `select ${LEAF_EVENT_COLUMNS("e")} from audit_events e where e.id between $1 and $2`
            : `select ${LEAF_EVENT_COLUMNS("e")} from audit_events e where e.id = any($1::bigint[])`,
          dense ? [min.toString(), max.toString()] : [leaves.rows.map((l) => l.event_id)],
        )
      : { rows: [] };
    const byId = new Map<string, Record<string, unknown>>();
    for (const e of events.rows) byId.set(e.id as string, e);
    return [leaves.rows.map((l) => ({ ...l, event: byId.get(l.event_id) ?? null })), stored] as const;
  };
  // Stored leaf hashes are read only for 256-leaf blocks whose recomputed subtree differs from the
  // stored one (and for the last, partial block), to name the first leaf that changed.
  const BLOCK = 2 ** STORED_LEVEL;
  const pinpoint = async (from: number, hashes: Uint8Array[], ids: string[], deleted: Set<number>, rangeProblem: boolean) => {
    const r = await db.query<{ seq: string; leaf_hash: Buffer }>(
      `select l.seq::text, l.leaf_hash from audit_log_leaves l where l.seq >= $1 and l.seq < $2 order by l.seq`,
      [from, from + hashes.length],
    );
    let found = false;
    for (const row of r.rows) {
      const k = Number(row.seq) - from;
      if (deleted.has(k + from)) continue;
      if (hashes[k] && !equalHash(hashes[k], row.leaf_hash)) {
        bad(k + from, ids[k]!, `event ${ids[k]} (leaf ${k + from}) differs from what was sealed`);
        found = true;
      }
    }
    if (!found && rangeProblem && !hashes.some((_, k) => deleted.has(k + from))) {
      bad(from, null, `leaves ${from}..${from + hashes.length - 1} differ from the subtree sealed over them`, from + hashes.length - 1);
    }
  };
  let next = total > 0 ? fetchChunk(0) : null;
  let tail: { from: number; hashes: Uint8Array[]; ids: string[] } = { from: 0, hashes: [], ids: [] };
  const deleted = new Set<number>();
  const ZERO = new Uint8Array(32);
  for (let lo = 0; lo < total && !gap; lo += CHUNK) {
    const hi = Math.min(total, lo + CHUNK);
    const [rows, stored] = await next!;
    next = hi < total ? fetchChunk(hi) : null;
    next?.catch(() => {});
    const hashes: Uint8Array[] = [];
    const ids: string[] = [];
    const suspects: number[] = [];
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expected) {
        // Every later leaf would be misplaced: the first bad entry is this one, and the walk stops.
        bad(expected, null, `leaf ${expected} is missing (the next one is ${seq})`);
        gap = true;
        break;
      }
      let h: Uint8Array;
      if (!row.event) {
        bad(seq, row.event_id, `event ${row.event_id} (leaf ${seq}) was deleted`);
        deleted.add(seq);
        h = ZERO;
      } else {
        h = eventLeafHash(leafEventOf(row.event));
      }
      hashes.push(h);
      ids.push(row.event_id);
      range.append(h, (level, index, hash) => {
        if (level < STORED_LEVEL) return;
        const s = stored.get(`${level}:${index}`);
        if (s && equalHash(s, hash)) return;
        if (level === STORED_LEVEL) suspects.push(index);
        else if (s) bad(index * 2 ** level, null, `leaves ${index * 2 ** level}..${(index + 1) * 2 ** level - 1} differ from the subtree sealed over them`, (index + 1) * 2 ** level - 1);
      });
      expected++;
      while (cpIndex < checkpoints.length && checkpoints[cpIndex]!.size === range.size) {
        const cp = checkpoints[cpIndex]!;
        if (!equalHash(range.root(), cp.root)) {
          const prev = cpIndex > 0 ? checkpoints[cpIndex - 1]!.size : 0;
          bad(prev, null, `the log's first ${cp.size} leaves do not hash to checkpoint ${cp.id}'s root (a change in leaves ${prev}..${cp.size - 1})`, cp.size - 1);
        }
        cpIndex++;
      }
    }
    for (const b of suspects) {
      const from = b * BLOCK;
      await pinpoint(from, hashes.slice(from - lo, from - lo + BLOCK), ids.slice(from - lo, from - lo + BLOCK), deleted, true);
    }
    const tailFrom = Math.floor(range.size / BLOCK) * BLOCK;
    tail = { from: tailFrom, hashes: hashes.slice(tailFrom - lo), ids: ids.slice(tailFrom - lo) };
    opts.onProgress?.(hi, total);
  }
  if (!gap && tail.hashes.length) await pinpoint(tail.from, tail.hashes, tail.ids, deleted, false);
  for (; cpIndex < checkpoints.length && !gap; cpIndex++) {
    bad(range.size, null, `checkpoint ${checkpoints[cpIndex]!.id} covers ${checkpoints[cpIndex]!.size} leaves, the log has ${range.size}: leaves were removed`);
  }
  if (latest && range.size > latest.size) bad(latest.size, null, `${range.size - latest.size} leaves after the latest checkpoint are not signed`);
  if (!latest && range.size > 0) bad(0, null, "the log has leaves but no valid checkpoint");

  const unsealed = Number(
    (await db.query<{ n: string }>(`select count(*)::text as n from audit_events e where not exists (select 1 from audit_log_leaves l where l.event_id = e.id)`)).rows[0]!.n,
  );
  // A single leaf ranks by its index, a range by its end: the narrowest, earliest finding comes first.
  // On the same end the narrower one comes first: a leaf ending a 512-leaf subtree is named before the subtree.
  const end = (p: TBadEntry) => p.lastLeaf ?? p.leafIndex ?? -1;
  problems.sort((a, b) => end(a) - end(b) || (b.leafIndex ?? -1) - (a.leafIndex ?? -1));
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
