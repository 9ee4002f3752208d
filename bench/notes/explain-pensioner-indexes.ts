// Which queries use which index on pensioners (bench/notes/import.md): a synthetic million-row roll,
// EXPLAIN ANALYZE of the roll list, counts and monthly-run reads, with the indexes as they are and
// with (region_code, payment_status) dropped. Usage: npx tsx bench/notes/explain-pensioner-indexes.ts
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
const dir = mkdtempSync(path.join(os.tmpdir(), "pension-explain-"));
chmodSync(dir, 0o755);
const db = await startEmbeddedPostgres(path.join(dir, "db"));
try {
  await migrate(db.url);
  const c = new pg.Client({ connectionString: db.url });
  c.on("error", () => {});
  await c.connect();
  // 1M pensioners over 89 counties of 52, statuses 96/3/1 % as the demo roll.
  await c.query(`insert into pensioners (id, id_cipher, id_hmac, id_key_version, id_prefix, id_suffix, name, sex, birth_date, region_code, address, phone, scheme, monthly_pension_fen, payment_status, enrolled_on)
    select gen_random_uuid(), '\\x00', sha256(i::text::bytea), 1, '5201', lpad((i % 10000)::text, 4, '0'), md5(i::text), 'male', '1950-01-01',
      '52' || lpad((1 + i % 9)::text, 2, '0') || lpad((1 + (i / 9) % 10)::text, 2, '0'), 'x', '', 'enterprise', 1,
      (case when i % 100 < 96 then 'active' when i % 100 < 99 then 'suspended' else 'terminated' end)::"PaymentStatus", '2000-01-01'
    from generate_series(1, 1000000) i`);
  await c.query(`vacuum analyze pensioners`);
  const qs: [string, string][] = [
    ["list, status filter (page)", `select id from pensioners where region_code like '5201%' and payment_status = 'suspended' order by region_code, name, id limit 20`],
    ["count, status filter", `select count(*) from pensioners where region_code like '5201%' and payment_status = 'suspended'`],
    ["count, province", `select count(*) from pensioners where region_code like '52%'`],
    ["run plan", `select region_code, id from pensioners p where p.region_code like any('{52%}') and p.payment_status <> 'terminated' order by region_code, id`],
    ["run batch", `select p.id from pensioners p where (p.region_code, p.id) >= ('5201', '00000000-0000-0000-0000-000000000000'::uuid) and p.region_code like any('{52%}') and p.payment_status <> 'terminated' order by p.region_code, p.id limit 5000`],
  ];
  const show = async (label: string) => {
    console.log(`\n### ${label}`);
    for (const [name, q] of qs) {
      const r = await c.query(`explain (analyze, buffers, costs off, timing off, summary on) ${q}`);
      const lines = r.rows.map((x) => x["QUERY PLAN"] as string);
      console.log(`- ${name}: ${lines.filter((l) => /Scan|Execution/.test(l)).map((l) => l.trim()).join(" | ")}`);
    }
  };
  for (let k = 0; k < 2; k++) await show(k ? "six indexes (as now), warm" : "six indexes (warm-up)");
  await c.query(`drop index pensioners_region_code_payment_status_idx`);
  await show("without (region_code, payment_status)");
  await c.query(`drop index pensioners_region_code_id_idx; create index pensioners_region_code_id_idx on pensioners (region_code, id) include (payment_status)`);
  await c.query(`vacuum analyze pensioners`);
  await show("(region_code, id) include (payment_status) in place of both");
  await c.end();
} finally {
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
