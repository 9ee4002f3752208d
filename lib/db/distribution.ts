// Where each table of the public schema would live on a Citus cluster (docs/scale-out.md). The
// catalogue test (distribution.int.test.ts) holds the live schema to this map: every table is
// placed, every key of a distributed table carries the distribution column, and no foreign key
// crosses shards. docs/scale-out.md carries the same placement as the calls a DBA would run.
import type pg from "pg";

/** Co-located tables are sharded on the county code, so one county's rows of every table share a shard. */
export const DISTRIBUTION_COLUMN = "region_code";

/**
 * Tables sharded on a column of their own, each its own colocation group: a national ID's claim on
 * the roll is found by the ID (its HMAC), wherever the pensioner lives.
 */
export const OWN_GROUP_TABLES: Record<string, string> = { pensioner_identities: "id_hmac" };

/** Sharded by region_code, co-located with pensioners (the first is the colocation group's anchor). */
export const DISTRIBUTED_TABLES = [
  "pensioners",
  "survival_statuses",
  "survival_status_revisions",
  "kiosk_checks",
  "kiosk_attempts",
  "cases",
  "case_events",
  "fee_records",
] as const;

/** Small, read everywhere, changed rarely: a copy on every node. */
export const REFERENCE_TABLES = [
  "regions",
  "users",
  "user_regions",
  "sessions",
  "recovery_codes",
  "sign_in_failures",
  "rate_limits",
  "api_tokens",
  "kiosk_devices",
  "monthly_runs",
  "run_batches",
  "run_schedules",
  "roll_imports",
  "roll_import_rejections",
  "payment_holds",
  "payment_arrears",
  "rollup_checks",
  "rollup_kiosk",
  "rollup_statuses",
  "rollup_fees",
  "rollup_cases",
  "rollup_savings",
  "rollup_dirty",
  "rollup_state",
] as const;

/**
 * Kept on the coordinator (citus_add_local_table_to_metadata): the audit trail and the ledger are
 * each one serial chain (audit ids drawn in commit order, ledger heights gapless under one lock);
 * sharding them would lose the single order their proofs are built on.
 */
export const COORDINATOR_TABLES = [
  "audit_events",
  "audit_log_leaves",
  "audit_log_nodes",
  "audit_checkpoints",
  "audit_anchors",
  "audit_seal_cursor",
  "ledger_accounts",
  "ledger_transfers",
  "ledger_postings",
  "ledger_head",
  "settlements",
  "neo_transactions",
  "neo_tx_attempts",
] as const;

export type TPlacement = "distributed" | "reference" | "coordinator";

/**
 * The table a month detached for archiving (npm run partitions -- detach, `<table>_YYYY_MM`)
 * belongs to: on Citus a detached partition of a distributed table stays distributed.
 */
function ownerOf(table: string): string {
  const month = /^(.+)_\d{4}_\d{2}$/.exec(table);
  return month && placedAs(month[1]!) ? month[1]! : table;
}

function placedAs(table: string): TPlacement | null {
  if ((DISTRIBUTED_TABLES as readonly string[]).includes(table) || OWN_GROUP_TABLES[table]) return "distributed";
  if ((REFERENCE_TABLES as readonly string[]).includes(table)) return "reference";
  if ((COORDINATOR_TABLES as readonly string[]).includes(table)) return "coordinator";
  return null;
}

export function placementOf(table: string): TPlacement | null {
  return placedAs(ownerOf(table));
}

type TPlacer = (table: string) => TPlacement | null;

/** A distributed table's distribution column: region_code, unless it is a group of its own. */
export function distributionColumnOf(table: string): string {
  return OWN_GROUP_TABLES[ownerOf(table)] ?? DISTRIBUTION_COLUMN;
}

/**
 * What stands between the schema and the placement `place` gives its tables (and `columnOf` their
 * distribution columns): tables without a placement, distributed tables whose distribution column
 * is missing or nullable, primary and unique keys of distributed tables without it, and foreign keys
 * Citus cannot keep (between two distributed tables of different colocation groups, or on anything
 * but the distribution column; from a reference or coordinator table to a distributed one; between
 * distributed and coordinator tables). Partitions are judged through their parent.
 */
export async function catalogueViolations(db: pg.Pool | pg.PoolClient, schema: string, place: TPlacer, columnOf: (table: string) => string = distributionColumnOf): Promise<string[]> {
  const out: string[] = [];
  const tables = await db.query<{ name: string; columns: Record<string, boolean> }>(
    `select c.relname as name, coalesce(jsonb_object_agg(a.attname, a.attnotnull) filter (where a.attname is not null), '{}') as columns
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = $1 and c.relkind in ('r', 'p') and not c.relispartition and c.relname <> '_prisma_migrations'
      group by c.relname order by 1`,
    [schema],
  );
  for (const t of tables.rows) {
    const p = place(t.name);
    const col = columnOf(t.name);
    if (!p) out.push(`${t.name}: no placement (distributed, reference or coordinator)`);
    else if (p === "distributed" && !(col in t.columns)) out.push(`${t.name}: distributed but has no ${col}`);
    else if (p === "distributed" && !t.columns[col]) out.push(`${t.name}: ${col} may be null`);
  }

  // Primary keys, unique constraints and unique indexes (partitions' own indexes are their parent's).
  const keys = await db.query<{ table: string; key: string; columns: string[] }>(
    `select c.relname as table, i.relname as key,
            array(select a.attname::text from unnest(x.indkey) with ordinality k(attnum, n)
                    join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n) as columns
       from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and x.indisunique and not c.relispartition
      order by 1, 2`,
    [schema],
  );
  for (const k of keys.rows) {
    const col = columnOf(k.table);
    if (place(k.table) !== "distributed" || k.columns.includes(col)) continue;
    out.push(`${k.table}: unique key ${k.key} (${k.columns.join(", ")}) lacks ${col}`);
  }

  const fks = await db.query<{ name: string; from: string; to: string; from_cols: string[]; to_cols: string[] }>(
    `select f.conname as name, c.relname as from, r.relname as to,
            array(select a.attname::text from unnest(f.conkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = f.conrelid and a.attnum = k.attnum order by k.n) as from_cols,
            array(select a.attname::text from unnest(f.confkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = f.confrelid and a.attnum = k.attnum order by k.n) as to_cols
       from pg_constraint f join pg_class c on c.oid = f.conrelid join pg_class r on r.oid = f.confrelid
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and f.contype = 'f' and not c.relispartition and f.conparentid = 0
      order by 1`,
    [schema],
  );
  for (const f of fks.rows) {
    const [a, b] = [place(f.from), place(f.to)];
    const label = `${f.from} → ${f.to} (${f.name})`;
    if (a === "distributed" && b === "distributed") {
      const [ca, cb] = [columnOf(f.from), columnOf(f.to)];
      const i = f.from_cols.indexOf(ca);
      if (ca !== cb) out.push(`${label}: joins tables of two colocation groups (${ca}, ${cb})`);
      else if (i < 0 || f.to_cols[i] !== cb) out.push(`${label}: joins two distributed tables on (${f.from_cols.join(", ")}) = (${f.to_cols.join(", ")}), not on ${ca}`);
    } else if (b === "distributed") {
      out.push(`${label}: a ${a} table cannot refer to a distributed one`);
    } else if (a === "distributed" && b === "coordinator") {
      out.push(`${label}: a distributed table cannot refer to a coordinator table`);
    }
  }
  return out;
}
