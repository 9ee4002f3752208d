import "server-only";
import type pg from "pg";
import { pool } from "../../db/client";
import { env } from "../../env.js";

export type TCheckpointView = {
  id: string;
  treeSize: number;
  rootHash: string;
  origin: string;
  note: string;
  at: string;
  anchor: { state: string; adapter: string | null; ledgerRef: string | null; txId: string | null; block: string | null } | null;
};

const SELECT = `select c.id::text, c.tree_size::text as "treeSize", c.root_hash as "rootHash", c.origin, c.note, c.at,
  a.state, a.adapter, a.ledger_ref as "ledgerRef", a.tx_id as "txId", a.block::text
  from audit_checkpoints c left join audit_anchors a on a.checkpoint_id = c.id`;

function view(r: Record<string, unknown>): TCheckpointView {
  return {
    id: r.id as string,
    treeSize: Number(r.treeSize),
    rootHash: (r.rootHash as Buffer).toString("base64"),
    origin: r.origin as string,
    note: r.note as string,
    at: (r.at as Date).toISOString(),
    anchor: r.state ? { state: r.state as string, adapter: r.adapter as string | null, ledgerRef: r.ledgerRef as string | null, txId: r.txId as string | null, block: r.block as string | null } : null,
  };
}

/** The latest signed checkpoint and its anchor, with the public key it verifies against (null before the first seal). */
export async function getLatestCheckpoint(db: Pick<pg.Pool, "query"> = pool()): Promise<{ checkpoint: TCheckpointView | null; publicKey: string | null; origin: string }> {
  const r = await db.query(`${SELECT} order by c.tree_size desc limit 1`);
  return { checkpoint: r.rows[0] ? view(r.rows[0]) : null, publicKey: env.AUDIT_CHECKPOINT_PUBLIC_KEY ?? null, origin: env.AUDIT_LOG_ORIGIN };
}

/** The checkpoint of exactly this tree size, or null. */
export async function checkpointOfSize(size: number): Promise<TCheckpointView | null> {
  const r = await pool().query(`${SELECT} where c.tree_size = $1`, [size]);
  return r.rows[0] ? view(r.rows[0]) : null;
}
