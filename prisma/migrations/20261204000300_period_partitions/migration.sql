-- Issue 13: the large tables are partitioned by period (native declarative partitioning), and their
-- keys carry region_code, the distribution column a Citus cluster would shard them on (docs/scale-out.md).
--
--   survival_statuses, kiosk_checks, cases, fee_records   LIST (period)       one partition a month
--   case_events                                            LIST (case_period)  with its case's month
--   kiosk_attempts                                         RANGE (issued_at)   China Standard Time months
--   audit_events                                           RANGE (at)          China Standard Time months
--
-- Partitions are named <table>_YYYY_MM. ensure_period_partitions(period) creates a month's partitions
-- (the worker runs it for this month and the next two, and a run for its own month); a DEFAULT
-- partition of each table keeps any row of a month not yet created from failing, and
-- ensure_period_partitions moves such rows into the month's partition when it creates it (audit
-- events, append-only, stay where they are). detach_period_partitions(period) detaches a closed month
-- for archiving; the audit trail is never detached (its Merkle log covers every event).
--
-- Primary and unique keys gain the partition key and region_code; the foreign key from case_events
-- to cases carries both. Prisma's schema says the same (@@id / @@unique).

-- ---- 1. The old tables step aside -----------------------------------------------------------------
ALTER TABLE "case_events" DROP CONSTRAINT "case_events_case_id_fkey";
ALTER SEQUENCE "audit_events_id_seq" OWNED BY NONE;
ALTER SEQUENCE "case_events_id_seq" OWNED BY NONE;

ALTER TABLE "survival_statuses" RENAME TO "survival_statuses_unpartitioned";
ALTER TABLE "kiosk_checks" RENAME TO "kiosk_checks_unpartitioned";
ALTER TABLE "cases" RENAME TO "cases_unpartitioned";
ALTER TABLE "case_events" RENAME TO "case_events_unpartitioned";
ALTER TABLE "fee_records" RENAME TO "fee_records_unpartitioned";
ALTER TABLE "kiosk_attempts" RENAME TO "kiosk_attempts_unpartitioned";
ALTER TABLE "audit_events" RENAME TO "audit_events_unpartitioned";

-- ---- 2. The partitioned tables, each with its default partition -------------------------------------
CREATE TABLE "survival_statuses" (LIKE "survival_statuses_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST ("period");
CREATE TABLE "kiosk_checks" (LIKE "kiosk_checks_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST ("period");
CREATE TABLE "cases" (LIKE "cases_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST ("period");
CREATE TABLE "case_events" (LIKE "case_events_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "case_period" CHAR(7) NOT NULL) PARTITION BY LIST ("case_period");
CREATE TABLE "fee_records" (LIKE "fee_records_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST ("period");
CREATE TABLE "kiosk_attempts" (LIKE "kiosk_attempts_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE ("issued_at");
CREATE TABLE "audit_events" (LIKE "audit_events_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE ("at");

CREATE TABLE "survival_statuses_default" PARTITION OF "survival_statuses" DEFAULT;
CREATE TABLE "kiosk_checks_default" PARTITION OF "kiosk_checks" DEFAULT;
CREATE TABLE "cases_default" PARTITION OF "cases" DEFAULT;
CREATE TABLE "case_events_default" PARTITION OF "case_events" DEFAULT;
CREATE TABLE "fee_records_default" PARTITION OF "fee_records" DEFAULT;
CREATE TABLE "kiosk_attempts_default" PARTITION OF "kiosk_attempts" DEFAULT;
CREATE TABLE "audit_events_default" PARTITION OF "audit_events" DEFAULT;

-- ---- 3. Month partitions --------------------------------------------------------------------------
-- The partitioned tables and how a month's rows are told apart in each. movable: rows that landed in
-- the default partition can move to the month's own (not for the append-only tables, nor for cases,
-- which case events refer to); detachable: a closed month may leave (never the audit trail).
-- case_events comes before cases: detaching goes in this order.
CREATE FUNCTION period_partitioned_tables() RETURNS TABLE (table_name text, key_column text, by_month boolean, movable boolean, detachable boolean)
LANGUAGE sql IMMUTABLE AS $$
  VALUES ('survival_statuses', 'period', false, true, true), ('kiosk_checks', 'period', false, true, true),
         ('case_events', 'case_period', false, false, true), ('cases', 'period', false, false, true),
         ('fee_records', 'period', false, true, true), ('kiosk_attempts', 'issued_at', true, true, true),
         ('audit_events', 'at', true, false, false)
$$;

-- The append-only guard of audit_events on one of its partitions: row triggers are cloned onto
-- partitions by PostgreSQL, statement (TRUNCATE) triggers are not.
CREATE FUNCTION audit_events_guard_partition(part text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()', part);
END $$;

-- Creates the month's partition of every partitioned table that has none; returns those created.
-- Rows of the month already in a default partition are moved into the new partition where the table
-- is movable; elsewhere the month stays in the default partition (where every query still finds it)
-- and a warning says so.
-- A partition is made as a table of its own and then attached: ATTACH PARTITION takes a SHARE UPDATE
-- EXCLUSIVE lock on the parent (CREATE TABLE … PARTITION OF would take ACCESS EXCLUSIVE), but it
-- still needs ACCESS EXCLUSIVE on the default partition, which any reader of the whole table holds a
-- share of. So a table whose locks are not had within 500 ms (a long export is reading it) is left
-- for the next call, with a warning: readers queue behind the attempt for at most that long, and the
-- worker calls hourly, two months ahead.
CREATE FUNCTION ensure_period_partitions(p_period text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  t record;
  part text;
  lo timestamptz;
  hi timestamptz;
  bound text;
  cond text;
  stray boolean;
  made text[] := '{}';
  old_timeout text := current_setting('lock_timeout');
BEGIN
  IF p_period IS NULL OR p_period !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
    RAISE EXCEPTION 'not a period (YYYY-MM): %', p_period USING ERRCODE = 'invalid_parameter_value';
  END IF;
  lo := (p_period || '-01 00:00:00+08')::timestamptz;
  hi := (to_char((p_period || '-01')::date + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+08')::timestamptz;
  FOR t IN SELECT * FROM period_partitioned_tables() LOOP
    part := t.table_name || '_' || replace(p_period, '-', '_');
    CONTINUE WHEN to_regclass(quote_ident(part)) IS NOT NULL;
    -- Two creators (two workers, a run starting) take turns; the second finds the partition made.
    PERFORM pg_advisory_xact_lock(879302, hashtext(t.table_name));
    CONTINUE WHEN to_regclass(quote_ident(part)) IS NOT NULL;
    IF t.by_month THEN
      bound := format('FROM (%L) TO (%L)', lo, hi);
      cond := format('%I >= %L AND %I < %L', t.key_column, lo, t.key_column, hi);
    ELSE
      bound := format('IN (%L)', p_period);
      cond := format('%I = %L', t.key_column, p_period);
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %s)', t.table_name || '_default', cond) INTO stray;
    IF stray AND NOT t.movable THEN
      RAISE WARNING 'rows of % in % cannot move (append-only or referred to): the month stays there', p_period, t.table_name || '_default';
      CONTINUE;
    END IF;
    BEGIN
      PERFORM set_config('lock_timeout', '500ms', true);
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, t.table_name);
      IF stray THEN
        EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %s RETURNING *) INSERT INTO %I SELECT * FROM moved', t.table_name || '_default', cond, part);
      END IF;
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES %s', t.table_name, part, bound);
      IF t.table_name = 'audit_events' THEN PERFORM audit_events_guard_partition(part); END IF;
      made := made || part;
    EXCEPTION WHEN lock_not_available THEN
      RAISE WARNING '% is busy: partition % is left for the next call', t.table_name, part;
    END;
    PERFORM set_config('lock_timeout', old_timeout, true);
  END LOOP;
  RETURN made;
END $$;

-- Detaches a closed month's partitions (the audit trail's excepted) so they can be archived and
-- dropped; returns those detached. Refused for this month and the last, and while the month has open
-- cases, unfinished checks or unsettled fees.
CREATE FUNCTION detach_period_partitions(p_period text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  t record;
  part text;
  fk name;
  made text[] := '{}';
BEGIN
  IF p_period IS NULL OR p_period !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
    RAISE EXCEPTION 'not a period (YYYY-MM): %', p_period USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_period >= to_char((now() AT TIME ZONE INTERVAL '+08:00') - interval '1 month', 'YYYY-MM') THEN
    RAISE EXCEPTION 'period % is this month or the last: not closed', p_period USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF EXISTS (SELECT 1 FROM cases WHERE period = p_period AND status <> 'closed') THEN
    RAISE EXCEPTION 'period % has cases still open', p_period USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF EXISTS (SELECT 1 FROM kiosk_checks WHERE period = p_period AND status IN ('scheduled', 'in_progress')) THEN
    RAISE EXCEPTION 'period % has kiosk checks not yet decided', p_period USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF EXISTS (SELECT 1 FROM fee_records WHERE period = p_period AND settled_at IS NULL) THEN
    RAISE EXCEPTION 'period % has unsettled fees', p_period USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  -- case_events before cases: its foreign key refers to the cases partition.
  FOR t IN SELECT * FROM period_partitioned_tables() WHERE detachable LOOP
    part := t.table_name || '_' || replace(p_period, '-', '_');
    IF EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = to_regclass(quote_ident(part)) AND i.inhparent = to_regclass(quote_ident(t.table_name))) THEN
      EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', t.table_name, part);
      -- A detached partition keeps its parent's foreign keys as its own; the archive needs none, and
      -- case events' would hold the month's cases in place.
      FOR fk IN SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(quote_ident(part)) AND contype = 'f' AND conparentid = 0 LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, fk);
      END LOOP;
      made := made || part;
    END IF;
  END LOOP;
  RETURN made;
END $$;

SELECT audit_events_guard_partition('audit_events_default');

-- Every month that has rows, and this month and the next two.
SELECT ensure_period_partitions(p) FROM (
  SELECT period::text AS p FROM "survival_statuses_unpartitioned"
  UNION SELECT period FROM "kiosk_checks_unpartitioned"
  UNION SELECT period FROM "cases_unpartitioned"
  UNION SELECT period FROM "fee_records_unpartitioned"
  UNION SELECT to_char(issued_at AT TIME ZONE INTERVAL '+08:00', 'YYYY-MM') FROM "kiosk_attempts_unpartitioned"
  UNION SELECT to_char(at AT TIME ZONE INTERVAL '+08:00', 'YYYY-MM') FROM "audit_events_unpartitioned"
  UNION SELECT to_char((now() AT TIME ZONE INTERVAL '+08:00') + make_interval(months => k), 'YYYY-MM') FROM generate_series(0, 2) AS k
) months ORDER BY p;

-- ---- 4. The rows move across --------------------------------------------------------------------------
INSERT INTO "survival_statuses" SELECT * FROM "survival_statuses_unpartitioned";
INSERT INTO "kiosk_checks" SELECT * FROM "kiosk_checks_unpartitioned";
INSERT INTO "cases" SELECT * FROM "cases_unpartitioned";
INSERT INTO "case_events" SELECT e.*, c.period FROM "case_events_unpartitioned" e JOIN "cases_unpartitioned" c ON c.id = e.case_id;
INSERT INTO "fee_records" SELECT * FROM "fee_records_unpartitioned";
INSERT INTO "kiosk_attempts" SELECT * FROM "kiosk_attempts_unpartitioned";
INSERT INTO "audit_events" SELECT * FROM "audit_events_unpartitioned";

DROP TABLE "survival_statuses_unpartitioned", "kiosk_checks_unpartitioned", "case_events_unpartitioned",
  "cases_unpartitioned", "fee_records_unpartitioned", "kiosk_attempts_unpartitioned", "audit_events_unpartitioned";

ALTER SEQUENCE "audit_events_id_seq" OWNED BY "audit_events"."id";
ALTER SEQUENCE "case_events_id_seq" OWNED BY "case_events"."id";

-- ---- 5. Keys and indexes: partition key and region_code in every primary and unique key --------------
ALTER TABLE "survival_statuses" ADD CONSTRAINT "survival_statuses_pkey" PRIMARY KEY ("pensioner_id", "period", "region_code");
CREATE INDEX "survival_statuses_period_idx" ON "survival_statuses" USING BRIN ("period");

ALTER TABLE "kiosk_checks" ADD CONSTRAINT "kiosk_checks_pkey" PRIMARY KEY ("id", "period", "region_code");
CREATE UNIQUE INDEX "kiosk_checks_pensioner_id_period_region_code_key" ON "kiosk_checks" ("pensioner_id", "period", "region_code");
CREATE INDEX "kiosk_checks_period_region_code_idx" ON "kiosk_checks" ("period", "region_code");
CREATE INDEX "kiosk_checks_region_code_status_due_on_idx" ON "kiosk_checks" ("region_code", "status", "due_on");

ALTER TABLE "cases" ADD CONSTRAINT "cases_pkey" PRIMARY KEY ("id", "period", "region_code");
CREATE UNIQUE INDEX "cases_pensioner_id_reason_period_region_code_key" ON "cases" ("pensioner_id", "reason", "period", "region_code");
CREATE INDEX "cases_pensioner_id_idx" ON "cases" ("pensioner_id");
CREATE INDEX "cases_region_code_status_opened_at_idx" ON "cases" ("region_code", "status", "opened_at");

ALTER TABLE "case_events" ADD CONSTRAINT "case_events_pkey" PRIMARY KEY ("id", "case_period", "region_code");
CREATE INDEX "case_events_case_id_at_idx" ON "case_events" ("case_id", "at");
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_case_period_region_code_fkey"
  FOREIGN KEY ("case_id", "case_period", "region_code") REFERENCES "cases" ("id", "period", "region_code") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "fee_records" ADD CONSTRAINT "fee_records_pkey" PRIMARY KEY ("id", "period", "region_code");
CREATE UNIQUE INDEX "fee_records_run_id_batch_no_region_code_period_key" ON "fee_records" ("run_id", "batch_no", "region_code", "period");
CREATE INDEX "fee_records_period_region_code_idx" ON "fee_records" ("period", "region_code");
CREATE INDEX "fee_records_settlement_id_idx" ON "fee_records" ("settlement_id");

ALTER TABLE "kiosk_attempts" ADD CONSTRAINT "kiosk_attempts_pkey" PRIMARY KEY ("id", "issued_at", "region_code");
CREATE INDEX "kiosk_attempts_check_id_issued_at_idx" ON "kiosk_attempts" ("check_id", "issued_at");
CREATE INDEX "kiosk_attempts_issued_at_idx" ON "kiosk_attempts" ("issued_at");
CREATE INDEX "kiosk_attempts_region_code_issued_at_idx" ON "kiosk_attempts" ("region_code", "issued_at");

-- The audit trail stays on one node (docs/scale-out.md): its key is the log's own order.
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id", "at");
CREATE INDEX "audit_events_region_code_at_idx" ON "audit_events" ("region_code", "at");
CREATE INDEX "audit_events_target_type_target_id_at_idx" ON "audit_events" ("target_type", "target_id", "at");

-- Small co-located tables: their keys carry region_code too.
ALTER TABLE "survival_status_revisions" DROP CONSTRAINT "survival_status_revisions_pkey";
ALTER TABLE "survival_status_revisions" ADD CONSTRAINT "survival_status_revisions_pkey" PRIMARY KEY ("id", "region_code");

-- ---- 6. Triggers, as before --------------------------------------------------------------------------
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON "case_events" FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON "case_events" FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();

CREATE TRIGGER rollup_dirty_ins AFTER INSERT ON "kiosk_checks" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('checks');
CREATE TRIGGER rollup_dirty_upd AFTER UPDATE ON "kiosk_checks" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('checks');
CREATE TRIGGER rollup_dirty_del AFTER DELETE ON "kiosk_checks" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('checks');
CREATE TRIGGER rollup_dirty_ins AFTER INSERT ON "survival_statuses" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('statuses');
CREATE TRIGGER rollup_dirty_upd AFTER UPDATE ON "survival_statuses" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('statuses');
CREATE TRIGGER rollup_dirty_del AFTER DELETE ON "survival_statuses" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('statuses');
CREATE TRIGGER rollup_dirty_ins AFTER INSERT ON "fee_records" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('fees');
CREATE TRIGGER rollup_dirty_upd AFTER UPDATE ON "fee_records" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('fees');
CREATE TRIGGER rollup_dirty_del AFTER DELETE ON "fee_records" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('fees');
CREATE TRIGGER rollup_dirty_ins AFTER INSERT ON "cases" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('cases');
CREATE TRIGGER rollup_dirty_upd AFTER UPDATE ON "cases" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('cases');
CREATE TRIGGER rollup_dirty_del AFTER DELETE ON "cases" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_period('cases');
CREATE TRIGGER rollup_dirty_ins AFTER INSERT ON "kiosk_attempts" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_attempts();
CREATE TRIGGER rollup_dirty_upd AFTER UPDATE ON "kiosk_attempts" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_attempts();
CREATE TRIGGER rollup_dirty_del AFTER DELETE ON "kiosk_attempts" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_attempts();
