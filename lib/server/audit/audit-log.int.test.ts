import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { childEnv } from "../../env.js";
import { signCheckpoint } from "../../audit-log/checkpoint";
import { inclusionProof, rootOf, verifyConsistency } from "../../audit-log/merkle";
import { verifyAuditExport, verifyConsistencyBundle, verifyInclusionBundle, type TAuditExport } from "../../audit-log/verify-proof";
import { pool, prisma, STREAM_APPLICATION_NAME, streamPool } from "../../db/client";
import { createUser } from "../../../test/fixtures";
import { AppError } from "../app-error";
import { auditLogOrigin, checkpointPublicKey } from "./audit-log-keys";
import { exportAuditTrail } from "./export-audit-trail";
import { getConsistencyProof } from "./get-consistency-proof";
import { getEventProof } from "./get-event-proof";
import { getLatestCheckpoint } from "./get-latest-checkpoint";
import { listAuditTrail } from "./list-audit-trail";
import { sealAuditLog } from "./seal-audit-log";
import { verifyAuditLog } from "./verify-audit-log";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../../..");

async function addEvents(n: number, regionCode: string | null = "520102", action = "test.audit-log") {
  const r = await pool().query<{ id: string }>(
    `insert into audit_events (actor_role, action, target_type, target_id, region_code, summary)
     select 'system', $2, 'test', 't' || g, $3, jsonb_build_object('g', g, 'x', 1.5) from generate_series(1, $1) g returning id::text`,
    [n, action, regionCode],
  );
  return r.rows.map((x) => x.id);
}

const textOf = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

const verify = () => verifyAuditLog({ publicKey: checkpointPublicKey(), origin: auditLogOrigin() });

/** Runs `sql` with triggers off (as the superuser an attacker would be), then `check`, then `undo` the same way. */
async function tampered(sql: string[], undo: string[], check: () => Promise<void>) {
  const asRoot = async (stmts: string[]) => {
    const c = await pool().connect();
    try {
      await c.query("set session_replication_role = replica");
      for (const s of stmts) await c.query(s);
    } finally {
      await c.query("reset session_replication_role");
      c.release();
    }
  };
  await asRoot(sql);
  try {
    await check();
  } finally {
    await asRoot(undo);
  }
}

const leafOf = async (id: string) => Number((await pool().query(`select seq::text from audit_log_leaves where event_id = $1`, [id])).rows[0].seq);

describe("sealing the audit trail into an RFC 6962 log", () => {
  let ids: string[];
  beforeAll(async () => {
    ids = await addEvents(700);
    await sealAuditLog({ batchSize: 300 });
  });

  it("seals every committed event, one checkpoint per batch, and the log verifies", async () => {
    const r = await verify();
    expect(r).toMatchObject({ ok: true, unsealed: 0, firstBad: null });
    expect(r.leaves).toBe(r.treeSize);
    expect(r.checkpoints).toBeGreaterThanOrEqual(3);
    const cps = await pool().query(`select c.tree_size::text from audit_checkpoints c order by c.tree_size`);
    expect(cps.rows.at(-1).tree_size).toBe(String(r.treeSize));
    // The stored subtrees agree with a recomputation from the leaves.
    const leaves = (await pool().query(`select leaf_hash from audit_log_leaves order by seq`)).rows.map((x) => x.leaf_hash);
    const node = await pool().query(`select hash from audit_log_nodes where level = 8 and idx = 0`);
    expect(Buffer.from(rootOf(leaves.slice(0, 256))).equals(node.rows[0].hash)).toBe(true);
    expect(Buffer.from(rootOf(leaves)).toString("base64")).toBe(r.latestRoot);
  });

  it("each checkpoint queues exactly one anchor in the outbox", async () => {
    const r = await pool().query(`select count(*)::int as c, count(a.id)::int as a from audit_checkpoints c left join audit_anchors a on a.checkpoint_id = c.id`);
    expect(r.rows[0].c).toBe(r.rows[0].a);
  });

  it("the log tables are append-only", async () => {
    for (const sql of [`update audit_log_leaves set leaf_hash = '\\x00' where seq = 0`, `delete from audit_log_leaves where seq = 0`, `truncate audit_log_nodes`, `update audit_checkpoints set note = ''`]) {
      await expect(pool().query(sql)).rejects.toThrow(/append-only/);
    }
  });

  it("a later commit of a lower id is sealed later, never skipped; a rolled-back id does not stall the watermark", async () => {
    const slow = await pool().connect();
    try {
      await slow.query("begin");
      const low = (await slow.query(`insert into audit_events (actor_role, action, target_type, summary) values ('system', 'test.slow', 'test', '{}') returning id::text`)).rows[0].id;
      const [high] = await addEvents(1);
      await sealAuditLog();
      expect(await leafOf(high!)).toBeGreaterThan(0);
      const cursor = await pool().query(`select watermark::text from audit_seal_cursor`);
      expect(BigInt(cursor.rows[0].watermark)).toBeLessThan(BigInt(low));
      await slow.query("commit");
      await sealAuditLog();
      expect(await leafOf(low)).toBe((await leafOf(high!)) + 1);
      expect((await verify()).ok).toBe(true);

      await slow.query("begin");
      const gone = (await slow.query(`insert into audit_events (actor_role, action, target_type, summary) values ('system', 'test.gone', 'test', '{}') returning id::text`)).rows[0].id;
      await slow.query("rollback");
      await addEvents(2);
      await sealAuditLog();
      await sealAuditLog();
      const after = await pool().query(`select watermark::text from audit_seal_cursor`);
      expect(BigInt(after.rows[0].watermark)).toBeGreaterThan(BigInt(gone));
    } finally {
      slow.release();
    }
  });

  it("concurrent sealers never seal an event twice", async () => {
    await addEvents(500);
    const rs = await Promise.all([sealAuditLog({ batchSize: 100 }), sealAuditLog({ batchSize: 100 }), sealAuditLog({ batchSize: 100 })]);
    await sealAuditLog();
    expect(rs.reduce((s, r) => s + r.sealed, 0)).toBeLessThanOrEqual(500);
    const r = await verify();
    if (!r.ok) console.log(JSON.stringify(r.problems.slice(0, 5)));
    expect(r).toMatchObject({ ok: true, unsealed: 0 });
  });

  describe("tampering is detected and the first bad entry named", () => {
    it("an altered event", async () => {
      const victim = ids[400]!;
      const leaf = await leafOf(victim);
      await tampered([`update audit_events set summary = '{"g": 401, "x": 2}' where id = ${victim}`], [`update audit_events set summary = '{"g": 401, "x": 1.5}' where id = ${victim}`], async () => {
        const r = await verify();
        expect(r.ok).toBe(false);
        expect(r.firstBad).toMatchObject({ leafIndex: leaf, eventId: victim });
        expect(r.firstBad!.problem).toMatch(/differs from what was sealed/);
      });
      expect((await verify()).ok).toBe(true);
    });

    it("an altered event that ends a stored subtree is named itself, not only the subtree", async () => {
      const leaf = 511; // the last leaf of subtrees at levels 8 and 9 alike
      const victim = (await pool().query(`select event_id::text from audit_log_leaves where seq = $1`, [leaf])).rows[0].event_id as string;
      await tampered([`update audit_events set summary = summary || '{"tampered": 1}' where id = ${victim}`], [`update audit_events set summary = summary - 'tampered' where id = ${victim}`], async () => {
        const r = await verify();
        expect(r.firstBad).toMatchObject({ leafIndex: leaf, eventId: victim });
        expect(r.problems.some((p) => p.leafIndex === 0 && p.lastLeaf === leaf)).toBe(true);
      });
      expect((await verify()).ok).toBe(true);
    });

    it("a deleted event", async () => {
      const victim = ids[123]!;
      const leaf = await leafOf(victim);
      const row = (await pool().query(`select * from audit_events where id = $1`, [victim])).rows[0];
      await tampered(
        [`delete from audit_events where id = ${victim}`],
        [
          `insert into audit_events (id, at, actor_role, action, target_type, target_id, region_code, summary) values (${victim}, '${row.at.toISOString()}', 'system', '${row.action}', 'test', '${row.target_id}', '${row.region_code}', '${JSON.stringify(row.summary)}')`,
        ],
        async () => {
          const r = await verify();
          expect(r.firstBad).toMatchObject({ leafIndex: leaf, eventId: victim });
          expect(r.firstBad!.problem).toMatch(/deleted/);
        },
      );
      expect((await verify()).ok).toBe(true);
    });

    it("two events reordered (their ids swapped), and two leaves reordered", async () => {
      const [a, b] = [ids[10]!, ids[20]!];
      const swap = [`update audit_events set id = -1 where id = ${a}`, `update audit_events set id = ${a} where id = ${b}`, `update audit_events set id = ${b} where id = -1`];
      await tampered(swap, swap, async () => {
        const r = await verify();
        expect(r.firstBad).toMatchObject({ leafIndex: await leafOf(a), eventId: a });
      });
      const [la, lb] = [await leafOf(a), await leafOf(b)];
      const swapLeaves = [`update audit_log_leaves set seq = -1 where seq = ${la}`, `update audit_log_leaves set seq = ${la} where seq = ${lb}`, `update audit_log_leaves set seq = ${lb} where seq = -1`];
      await tampered(swapLeaves, swapLeaves, async () => {
        const r = await verify();
        expect(r.ok).toBe(false);
        // Leaf and stored hash moved together; the subtree sealed over them is what no longer matches.
        expect(r.firstBad!.leafIndex).toBeLessThanOrEqual(la);
      });
      expect((await verify()).ok).toBe(true);
    });

    it("leaves removed from the end, and a checkpoint signed by another key", async () => {
      const last = (await verify()).leaves - 1;
      const row = (await pool().query(`select event_id::text, encode(leaf_hash, 'hex') as h from audit_log_leaves where seq = $1`, [last])).rows[0];
      await tampered([`delete from audit_log_leaves where seq = ${last}`], [`insert into audit_log_leaves values (${last}, ${row.event_id}, '\\x${row.h}')`], async () => {
        const r = await verify();
        expect(r.firstBad).toMatchObject({ leafIndex: last });
        expect(r.firstBad!.problem).toMatch(/leaves were removed/);
      });
      const other = generateKeyPairSync("ed25519");
      const forged = signCheckpoint({ origin: auditLogOrigin(), size: last + 5, root: rootOf([]) }, other.privateKey);
      await tampered(
        [`insert into audit_checkpoints (tree_size, root_hash, origin, note) values (${forged.size}, '\\x${Buffer.from(forged.root).toString("hex")}', '${forged.origin}', '${forged.note}')`],
        [`delete from audit_checkpoints where tree_size = ${forged.size}`],
        async () => {
          const r = await verify();
          expect(r.ok).toBe(false);
          expect(r.problems.some((p) => /signature/.test(p.problem))).toBe(true);
        },
      );
      expect((await verify()).ok).toBe(true);
    });

    it("the threaded verifier over small chunks reports exactly what the one-thread verifier does", async () => {
      const threaded = () => verifyAuditLog({ publicKey: checkpointPublicKey(), origin: auditLogOrigin(), threads: 2, chunkLevel: 8 });
      expect(await threaded()).toEqual(await verify());
      const leaf511 = (await pool().query(`select event_id::text from audit_log_leaves where seq = 511`)).rows[0].event_id as string;
      const [a, b] = [ids[10]!, ids[20]!];
      const swap = [`update audit_events set id = -1 where id = ${a}`, `update audit_events set id = ${a} where id = ${b}`, `update audit_events set id = ${b} where id = -1`];
      const last = (await verify()).leaves - 1;
      const row = (await pool().query(`select event_id::text, encode(leaf_hash, 'hex') as h from audit_log_leaves where seq = $1`, [last])).rows[0];
      const mid = 300;
      const midRow = (await pool().query(`select event_id::text, encode(leaf_hash, 'hex') as h from audit_log_leaves where seq = $1`, [mid])).rows[0];
      const cases: [string[], string[]][] = [
        [[`update audit_events set summary = summary || '{"tampered": 1}' where id = ${leaf511}`], [`update audit_events set summary = summary - 'tampered' where id = ${leaf511}`]],
        [swap, swap],
        [[`delete from audit_log_leaves where seq = ${last}`], [`insert into audit_log_leaves values (${last}, ${row.event_id}, '\\x${row.h}')`]],
        [[`delete from audit_log_leaves where seq = ${mid}`], [`insert into audit_log_leaves values (${mid}, ${midRow.event_id}, '\\x${midRow.h}')`]],
      ];
      for (const [sql, undo] of cases) {
        await tampered(sql, undo, async () => {
          const one = await verify();
          expect(one.ok).toBe(false);
          expect(await threaded()).toEqual(one);
        });
      }
    }, 120_000);

    it("npm run audit:verify exits 0 on an intact log and 1 naming the first bad entry", async () => {
      const env = childEnv({ DATABASE_URL: inject("databaseUrl"), PENSION_EMBEDDED: "1" });
      const cli = ["--conditions=react-server", "scripts/audit-verify.ts"];
      const tsx = path.join(ROOT, "node_modules/.bin/tsx");
      const good = await run(tsx, cli, { cwd: ROOT, env });
      expect(good.stdout).toMatch(/audit log intact/);
      const victim = ids[600]!;
      const leaf = await leafOf(victim);
      await tampered([`update audit_events set action = 'test.forged' where id = ${victim}`], [`update audit_events set action = 'test.audit-log' where id = ${victim}`], async () => {
        const bad = await run(tsx, cli, { cwd: ROOT, env }).then(
          () => null,
          (e: { code: number; stdout: string }) => e,
        );
        expect(bad?.code).toBe(1);
        expect(bad?.stdout).toContain(`First bad entry: leaf ${leaf}, event ${victim}`);
      });
    }, 120_000);
  });
});

describe("proofs through the use cases, checked by the untrusting verifier", () => {
  let supervisor: Awaited<ReturnType<typeof createUser>>;
  let county: Awaited<ReturnType<typeof createUser>>;
  let mine: string[];
  let elsewhere: string[];
  beforeAll(async () => {
    supervisor = await createUser("supervisor", ["52"]);
    county = await createUser("supervisor", ["520102"]);
    mine = await addEvents(5, "520102", "test.proofs");
    elsewhere = await addEvents(2, "520302", "test.proofs");
    await addEvents(1, null, "test.proofs");
    await sealAuditLog();
  });

  it("an event's inclusion proof verifies against the signed checkpoint with the configured key", async () => {
    const b = await getEventProof(supervisor.actor, mine[2]!);
    expect(verifyInclusionBundle(b, checkpointPublicKey(), auditLogOrigin())).toMatchObject({ ok: true });
    expect(verifyInclusionBundle({ ...b, event: { ...b.event, regionCode: "520103" } }, checkpointPublicKey(), auditLogOrigin()).ok).toBe(false);
  });

  it("a proof for an older checkpoint; a tree size that is no checkpoint or too small is a 400 on query.treeSize", async () => {
    const sizes = (await pool().query(`select tree_size::int as s from audit_checkpoints order by tree_size`)).rows.map((r) => r.s as number);
    const leaf = await leafOf(mine[0]!);
    const older = sizes.find((s) => s > leaf)!;
    const b = await getEventProof(supervisor.actor, mine[0]!, older);
    expect(b.treeSize).toBe(older);
    expect(verifyInclusionBundle(b, checkpointPublicKey(), auditLogOrigin()).ok).toBe(true);
    for (const size of [older + 1, sizes.filter((s) => s <= leaf).at(-1)!]) {
      const e = await getEventProof(supervisor.actor, mine[0]!, size).catch((x) => x);
      expect(e).toBeInstanceOf(AppError);
      expect(e).toMatchObject({ status: 400, fieldErrors: [{ path: "query.treeSize" }] });
    }
  });

  it("region scope: another county's event is not found; an event without a region only for the province", async () => {
    await expect(getEventProof(county.actor, elsewhere[0]!)).rejects.toMatchObject({ status: 404 });
    const list = await listAuditTrail(county.actor, { action: "test.proofs", page: 1, pageSize: 50 });
    expect(list.total).toBe(5);
    const all = await listAuditTrail(supervisor.actor, { action: "test.proofs", page: 1, pageSize: 50 });
    expect(all.total).toBe(8);
    expect(all.items.every((i) => i.leafIndex !== null && i.checkpointSize! > i.leafIndex)).toBe(true);
  });

  it("consistency between two checkpoints verifies; from > to is a 400 on query.from", async () => {
    const sizes = (await pool().query(`select tree_size::int as s from audit_checkpoints order by tree_size`)).rows.map((r) => r.s as number);
    const c = await getConsistencyProof(sizes[0]!, sizes.at(-1)!);
    expect(verifyConsistencyBundle(c, checkpointPublicKey(), auditLogOrigin()).ok).toBe(true);
    await expect(getConsistencyProof(sizes.at(-1)!, sizes[0]!)).rejects.toMatchObject({ status: 400, fieldErrors: [{ path: "query.from" }] });
    await expect(getConsistencyProof(sizes.at(-1)! + 1000)).rejects.toMatchObject({ status: 400 });
    // Every pair of checkpoints is consistent (the log only grows).
    const cps = await pool().query(`select tree_size::int as s, root_hash from audit_checkpoints order by tree_size`);
    const latest = cps.rows.at(-1);
    for (const r of cps.rows.slice(0, -1)) {
      const p = await getConsistencyProof(r.s, latest.s);
      expect(verifyConsistency(r.s, latest.s, r.root_hash, latest.root_hash, p.proof.map((x) => Buffer.from(x, "base64")))).toBe(true);
    }
  });

  it("an export of a filtered range verifies offline; a pending event is marked so", async () => {
    const [pending] = await addEvents(1, "520102", "test.proofs");
    const text = await textOf(await exportAuditTrail(county.actor, { action: "test.proofs" }));
    const x = JSON.parse(text) as TAuditExport;
    // The streamed bytes are JSON.stringify's, whatever the cursor's batch.
    expect(text).toBe(JSON.stringify(x, null, 2));
    for (const batch of [1, 2]) expect(await textOf(await exportAuditTrail(county.actor, { action: "test.proofs" }, { batch }))).toBe(text);
    expect(x.events.map((e) => e.event.id)).toEqual([...mine, pending]);
    expect(verifyAuditExport(x, checkpointPublicKey(), auditLogOrigin())).toEqual({ verified: 5, pending: 1, failures: [] });
    const latest = await getLatestCheckpoint();
    expect(latest.checkpoint?.treeSize).toBe(x.treeSize);
    expect(inclusionProof).toBeTypeOf("function");
  });
});

describe("the export streams", () => {
  let supervisor: Awaited<ReturnType<typeof createUser>>;
  let county: Awaited<ReturnType<typeof createUser>>;
  beforeAll(async () => {
    supervisor = await createUser("supervisor", ["52"]);
    county = await createUser("supervisor", ["520102"]);
  });

  it("exports more than 5,000 events completely, each verifying offline, and audits the export with its filter and count", async () => {
    const ids = await addEvents(5_300, "520102", "test.big-export");
    await sealAuditLog();
    const pending = await addEvents(2, "520102", "test.big-export");
    await addEvents(3, "520302", "test.big-export");
    const text = await textOf(await exportAuditTrail(county.actor, { action: "test.big-export" }));
    expect(text.endsWith("\n  ]\n}")).toBe(true);
    const x = JSON.parse(text) as TAuditExport;
    expect(text).toBe(JSON.stringify(x, null, 2));
    expect(x.events.map((e) => e.event.id)).toEqual([...ids, ...pending]);
    expect(verifyAuditExport(x, checkpointPublicKey(), auditLogOrigin())).toEqual({ verified: 5_300, pending: 2, failures: [] });
    // The province sees the other county's three as well.
    expect((JSON.parse(await textOf(await exportAuditTrail(supervisor.actor, { action: "test.big-export" }))) as TAuditExport).events).toHaveLength(5_305);
    const audit = await prisma().auditEvent.findMany({ where: { action: "audit.export", actorId: county.id }, select: { targetType: true, regionCode: true, summary: true } });
    expect(audit).toEqual([{ targetType: "audit_trail", regionCode: "520102", summary: { filter: { action: "test.big-export" }, count: 5_302, regionCodes: ["520102"] } }]);
  });

  it("an export with no event is the empty array, as JSON.stringify writes it", async () => {
    const text = await textOf(await exportAuditTrail(county.actor, { action: "test.nothing-like-this" }));
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
    expect(text.endsWith('"events": []\n}')).toBe(true);
  });

  it("fails the download when the database goes away mid-stream, and gives the connection back", async () => {
    await addEvents(20, "520102", "test.cut-export");
    const reader = (await exportAuditTrail(county.actor, { action: "test.cut-export" }, { batch: 2 })).getReader();
    await reader.read();
    // The stream waits for its reader between fetches: its backend shows idle in transaction (under load, after a moment).
    const idle = `select pid from pg_stat_activity where application_name = $1 and state like 'idle in transaction%'`;
    await expect.poll(async () => (await pool().query(idle, [STREAM_APPLICATION_NAME])).rowCount, { timeout: 10_000 }).toBe(1);
    const killed = await pool().query(`select pg_terminate_backend(pid) from (${idle}) s`, [STREAM_APPLICATION_NAME]);
    expect(killed.rowCount).toBe(1);
    const chunks: Uint8Array[] = [];
    const failure = await (async () => {
      for (;;) {
        const r = await reader.read();
        if (r.done) return null;
        chunks.push(r.value);
      }
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    // What arrived is not a JSON document: no reader can mistake it for a complete export.
    expect(() => JSON.parse(Buffer.concat(chunks).toString("utf8"))).toThrow();
    await expect.poll(() => streamPool().totalCount - streamPool().idleCount).toBe(0);
  });
});
