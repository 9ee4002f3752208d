import "server-only";
import type pg from "pg";
import { hashChildren, type THash, type TNodeSource } from "../../audit-log/merkle";

/** Perfect subtrees of 2^STORED_LEVEL leaves and more are stored by the sealer; smaller ones are rehashed from leaves. */
export const STORED_LEVEL = 8;
const BLOCK = 2 ** STORED_LEVEL;

type TQueryable = Pick<pg.PoolClient, "query">;
const key = (level: number, index: number) => `${level}:${index}`;

/**
 * Runs `compute` twice: once to learn which perfect subtrees it asks for (the shape of a proof
 * does not depend on hash values), then with those subtrees loaded in two queries, one for stored
 * nodes and one for the leaves of the 256-leaf blocks the smaller ones lie in.
 */
export async function withLogNodes<T>(db: TQueryable, compute: (node: TNodeSource) => T): Promise<T> {
  const wanted = new Map<string, { level: number; index: number }>();
  const zero = new Uint8Array(32);
  compute((level, index) => {
    wanted.set(key(level, index), { level, index });
    return zero;
  });
  const nodes = await loadNodes(db, [...wanted.values()]);
  return compute((level, index) => {
    const h = nodes.get(key(level, index));
    if (!h) throw new Error(`audit log node ${level}:${index} is missing`);
    return h;
  });
}

export async function loadNodes(db: TQueryable, wanted: { level: number; index: number }[]): Promise<Map<string, THash>> {
  const out = new Map<string, THash>();
  const stored = wanted.filter((w) => w.level >= STORED_LEVEL);
  if (stored.length) {
    const r = await db.query<{ level: number; idx: string; hash: Buffer }>(
      `select n.level, n.idx::text, n.hash from audit_log_nodes n join unnest($1::smallint[], $2::bigint[]) w(level, idx) on n.level = w.level and n.idx = w.idx`,
      [stored.map((w) => w.level), stored.map((w) => w.index)],
    );
    for (const row of r.rows) out.set(key(row.level, Number(row.idx)), row.hash);
  }
  const small = wanted.filter((w) => w.level < STORED_LEVEL);
  if (small.length) {
    const blocks = [...new Set(small.map((w) => Math.floor((w.index * 2 ** w.level) / BLOCK)))];
    const r = await db.query<{ seq: string; leaf_hash: Buffer }>(
      `select l.seq::text, l.leaf_hash from audit_log_leaves l join unnest($1::bigint[]) b(block) on l.seq >= b.block * ${BLOCK} and l.seq < (b.block + 1) * ${BLOCK}`,
      [blocks],
    );
    const leaves = new Map(r.rows.map((row) => [Number(row.seq), row.leaf_hash]));
    const hashOf = (level: number, index: number): THash => {
      if (level === 0) {
        const h = leaves.get(index);
        if (!h) throw new Error(`audit log leaf ${index} is missing`);
        return h;
      }
      return hashChildren(hashOf(level - 1, 2 * index), hashOf(level - 1, 2 * index + 1));
    };
    for (const w of small) out.set(key(w.level, w.index), hashOf(w.level, w.index));
  }
  return out;
}
