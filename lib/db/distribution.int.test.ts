import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pool } from "./client";
import { COORDINATOR_TABLES, DISTRIBUTED_TABLES, OWN_GROUP_TABLES, REFERENCE_TABLES, catalogueViolations, placementOf } from "./distribution";

// Citus cannot be installed here, so the schema's readiness for it is read from the catalogue:
// the rules Citus enforces at create_distributed_table time, checked on the migrated database.
describe("scale-out by region: the catalogue", () => {
  it("places every table, keeps region_code in every key of a distributed table, and no foreign key crosses shards", async () => {
    expect(await catalogueViolations(pool(), "public", placementOf)).toEqual([]);
  });

  it("docs/scale-out.md has the exact call for every table's placement", () => {
    const doc = fs.readFileSync(path.join(process.cwd(), "docs/scale-out.md"), "utf8");
    const [anchor, ...rest] = DISTRIBUTED_TABLES;
    expect(doc).toContain(`SELECT create_distributed_table('${anchor}', 'region_code');`);
    for (const t of rest) expect(doc).toContain(`SELECT create_distributed_table('${t}', 'region_code', colocate_with => '${anchor}');`);
    for (const t of REFERENCE_TABLES) expect(doc).toContain(`SELECT create_reference_table('${t}');`);
    for (const [t, column] of Object.entries(OWN_GROUP_TABLES)) expect(doc).toContain(`SELECT create_distributed_table('${t}', '${column}', colocate_with => 'none');`);
    for (const t of COORDINATOR_TABLES) expect(doc).toContain(`SELECT citus_add_local_table_to_metadata('${t}');`);
    const calls = doc.match(/SELECT (create_distributed_table|create_reference_table|citus_add_local_table_to_metadata)\('/g) ?? [];
    expect(calls.length).toBe(DISTRIBUTED_TABLES.length + Object.keys(OWN_GROUP_TABLES).length + REFERENCE_TABLES.length + COORDINATOR_TABLES.length);
  });

  describe("finds what Citus would refuse", () => {
    const schema = "citus_probe";
    afterAll(async () => {
      await pool().query(`drop schema if exists ${schema} cascade`);
    });

    it("in a schema built to break each rule", async () => {
      await pool().query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
      await pool().query(`
        create table ${schema}.shard_a (id uuid, region_code text not null, national text, primary key (id, region_code));
        create unique index shard_a_national_key on ${schema}.shard_a (national);
        create table ${schema}.shard_b (id uuid primary key, a_id uuid, a_region text, region_code text not null,
          foreign key (a_id, a_region) references ${schema}.shard_a (id, region_code));
        create table ${schema}.shard_c (id uuid, region_code text, a_id uuid, unique (id, region_code),
          foreign key (a_id, region_code) references ${schema}.shard_a (id, region_code));
        create table ${schema}.shard_d (id uuid primary key);
        create table ${schema}.everywhere (id int primary key, a_id uuid, a_region text, foreign key (a_id, a_region) references ${schema}.shard_a (id, region_code));
        create table ${schema}.chain (seq bigint primary key);
        create table ${schema}.shard_e (id uuid, region_code text not null, seq bigint references ${schema}.chain (seq), primary key (id, region_code));
        create table ${schema}.stray (id int primary key);
        create table ${schema}.parts (id uuid, period char(7), region_code text not null, primary key (id, period)) partition by list (period);
        create table ${schema}.parts_2026_12 partition of ${schema}.parts for values in ('2026-12');
        create table ${schema}.by_key (k bytea primary key, a_id uuid, region_code text, foreign key (a_id, region_code) references ${schema}.shard_a (id, region_code));
      `);
      const place = (t: string) =>
        (({ shard_a: "distributed", shard_b: "distributed", shard_c: "distributed", shard_d: "distributed", shard_e: "distributed", parts: "distributed", everywhere: "reference", chain: "coordinator" }) as const)[t] ?? null;
      const found = await catalogueViolations(pool(), schema, (t) => (t === "by_key" ? "distributed" : place(t)), (t) => (t === "by_key" ? "k" : "region_code"));
      expect(found.sort()).toEqual(
        [
          "stray: no placement (distributed, reference or coordinator)",
          "shard_d: distributed but has no region_code",
          "shard_c: region_code may be null",
          "shard_a: unique key shard_a_national_key (national) lacks region_code",
          "shard_b: unique key shard_b_pkey (id) lacks region_code",
          "shard_d: unique key shard_d_pkey (id) lacks region_code",
          "parts: unique key parts_pkey (id, period) lacks region_code",
          "shard_b → shard_a (shard_b_a_id_a_region_fkey): joins two distributed tables on (a_id, a_region) = (id, region_code), not on region_code",
          "everywhere → shard_a (everywhere_a_id_a_region_fkey): a reference table cannot refer to a distributed one",
          "shard_e → chain (shard_e_seq_fkey): a distributed table cannot refer to a coordinator table",
          "by_key → shard_a (by_key_a_id_region_code_fkey): joins tables of two colocation groups (k, region_code)",
        ].sort(),
      );
    });
  });
});
