import type pg from "pg";

// The BDMI service keeps everything in its own schema `bdmi`, never in the platform's tables: it
// is a separate party that happens to share a PostgreSQL in the demo. Its schema is versioned SQL
// applied at every start, under an advisory lock so that two starts cannot race.

/** pg_advisory lock key for schema changes: "bdmi" in ASCII. */
const SCHEMA_LOCK = 0x62646d69;

export const DEFAULT_FEE_SCHEDULE = {
  version: "2026-1",
  effectiveFrom: "2026-01-01T00:00:00.000Z",
  // 3 TKY per assessment (8 decimals): 2 to the platform, 1 to the data providers.
  amount: "300000000",
  shares: [
    { payee: "platform", amount: "200000000" },
    { payee: "data-providers", amount: "100000000" },
  ],
  // 3 TKY per liveness check as well, split the same way (schema version 2).
  liveness: {
    amount: "300000000",
    shares: [
      { payee: "platform", amount: "200000000" },
      { payee: "data-providers", amount: "100000000" },
    ],
  },
} as const;

const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      create table bdmi.subjects (
        subject bytea primary key,          -- HMAC-SHA256(BDMI_SUBJECT_KEY, nationalId)
        agency text not null,               -- the agency that enrolled it first
        id_cipher bytea not null,           -- AES-256-GCM(BDMI_DATA_KEY): nonce | ct | tag
        enrolled_at timestamptz not null default now()
      );
      create table bdmi.evidence (
        id bigserial primary key,
        subject bytea not null,
        period text not null,               -- YYYY-MM of "at" in China Standard Time
        source text not null,
        item text not null,
        result smallint not null,
        at timestamptz not null,
        feed_id text not null,
        source_ref text
      );
      create index evidence_period_subject on bdmi.evidence (period, subject);
      create table bdmi.feeds (
        feed_id text primary key,
        agency text not null,
        received_at timestamptz not null default now(),
        report jsonb not null
      );
      create table bdmi.fee_schedules (
        version text primary key,
        effective_from timestamptz not null,
        assessment_amount numeric(38,0) not null,
        shares jsonb not null
      );
      create table bdmi.calls (
        id uuid primary key default gen_random_uuid(),
        agency text not null,
        endpoint text not null,
        idempotency_key text not null,
        request_sha256 text not null,
        period text,
        count int not null,
        schedule_version text not null,
        fee_total numeric(38,0) not null,
        shares jsonb not null,
        at timestamptz not null default now(),
        unique (agency, endpoint, idempotency_key)
      );
      create table bdmi.nonces (
        agency text not null,
        nonce text not null,
        seen_at timestamptz not null default now(),
        primary key (agency, nonce)
      );
      create index nonces_seen_at on bdmi.nonces (seen_at);
      create table bdmi.request_log (
        id bigserial primary key,
        at timestamptz not null default now(),
        agency text,
        method text not null,
        path text not null,
        status int not null,
        reason text not null
      );
      insert into bdmi.fee_schedules (version, effective_from, assessment_amount, shares)
      values ('${DEFAULT_FEE_SCHEDULE.version}', '${DEFAULT_FEE_SCHEDULE.effectiveFrom}', ${DEFAULT_FEE_SCHEDULE.amount},
              '${JSON.stringify(DEFAULT_FEE_SCHEDULE.shares)}'::jsonb)
      on conflict do nothing;
    `,
  },
  {
    // Faces and liveness checks (the kiosk). A template is an encrypted embedding, never an image;
    // a decision keeps scores and reasons, never a frame.
    version: 2,
    sql: `
      create table bdmi.faces (
        subject bytea primary key,          -- as in bdmi.subjects
        agency text not null,
        template_cipher bytea not null,     -- AES-256-GCM(BDMI_DATA_KEY, float32 embedding), AAD = subject
        model text not null,
        face_score real not null,
        enrolled_at timestamptz not null default now()
      );
      create table bdmi.liveness_decisions (
        id uuid primary key default gen_random_uuid(),
        call_id uuid not null references bdmi.calls (id),
        agency text not null,
        idempotency_key text not null,
        request_sha256 text not null,
        subject bytea not null,
        period text not null,
        decision text not null check (decision in ('pass', 'fail', 'review')),
        reasons text[] not null,
        scores jsonb not null,
        thresholds jsonb not null,
        model text not null,
        evidence_id bigint,
        decided_at timestamptz not null default now(),
        unique (agency, idempotency_key)
      );
      create index liveness_decisions_subject on bdmi.liveness_decisions (subject, decided_at);
      alter table bdmi.fee_schedules add column liveness_amount numeric(38,0), add column liveness_shares jsonb;
      update bdmi.fee_schedules
         set liveness_amount = ${DEFAULT_FEE_SCHEDULE.liveness.amount},
             liveness_shares = '${JSON.stringify(DEFAULT_FEE_SCHEDULE.liveness.shares)}'::jsonb
       where version = '${DEFAULT_FEE_SCHEDULE.version}';
    `,
  },
  {
    // The monthly run's evidence lookup (assessments.ts) asks for one period and a batch of 5,000
    // subjects. With every column it reads in the index, that is an index-only scan: from
    // PostgreSQL 17 one ordered pass over the period's entries, skipping between the batch's
    // subjects, whose items sit side by side; before, each item was also fetched from wherever its
    // feed had put it in the table. (Once vacuumed: autovacuum visits a table after bulk inserts.)
    version: 3,
    sql: `
      create index evidence_period_subject_covering on bdmi.evidence (period, subject) include (id, source, item, result, at);
      drop index bdmi.evidence_period_subject;
    `,
  },
];

export const BDMI_SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** Brings the `bdmi` schema to the newest version; safe to call from any number of processes at once. */
export async function applyBdmiSchema(pool: pg.Pool, log: (m: string) => void = () => {}): Promise<number> {
  const c = await pool.connect();
  try {
    await c.query("begin");
    // Transaction-scoped: released by commit or rollback, even if this process dies.
    await c.query("select pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
    await c.query("create schema if not exists bdmi");
    await c.query("create table if not exists bdmi.schema_version (version int primary key, applied_at timestamptz not null default now())");
    const { rows } = await c.query<{ v: number | null }>("select max(version) as v from bdmi.schema_version");
    const current = rows[0]?.v ?? 0;
    for (const m of MIGRATIONS.filter((m) => m.version > current)) {
      log(`applying bdmi schema version ${m.version}`);
      await c.query(m.sql);
      await c.query("insert into bdmi.schema_version (version) values ($1)", [m.version]);
    }
    await c.query("commit");
    return BDMI_SCHEMA_VERSION;
  } catch (e) {
    await c.query("rollback").catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}
