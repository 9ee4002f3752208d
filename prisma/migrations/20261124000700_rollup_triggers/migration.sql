-- CreateIndex
CREATE INDEX "kiosk_attempts_issued_at_idx" ON "kiosk_attempts"("issued_at");


-- Hand-written: the dashboard's dirty tracking (lib/server/dashboard/refresh-rollups.ts).
-- Statement-level triggers with transition tables mark each (source, period) a statement touched
-- in rollup_dirty, once per statement however many rows it wrote (a monthly run's 5,000-row
-- batches cost one tiny insert). The worker claims the marks and rebuilds those periods.
--
-- No lost updates: a writer takes a shared advisory lock on each (source, period) it marks, held to
-- its commit; the refresh claims (deletes) a mark only under the same lock taken exclusively with
-- pg_try_advisory_lock, i.e. only when no writer is in flight on that pair (else the mark waits for
-- the next tick), so its rebuild sees every writer's rows. A writer that comes later finds the mark
-- deleted by the uncommitted refresh, waits for it, and marks the pair again for the next tick.
-- ON CONFLICT DO NOTHING keeps the mark from becoming a hot row.
-- Lock key: (879301, hashtext(source || ':' || period)) in the two-int advisory key space.

CREATE FUNCTION rollup_mark(src text, periods text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(879301, hashtext(src || ':' || p)) FROM unnest(periods) AS p;
  INSERT INTO rollup_dirty (source, period) SELECT src, p FROM unnest(periods) AS p ON CONFLICT DO NOTHING;
END $$;

-- Tables with a period column: kiosk_checks, survival_statuses, fee_records, cases.
CREATE FUNCTION rollup_mark_period() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE periods text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT period) INTO periods FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT p) INTO periods FROM (SELECT period AS p FROM new_rows UNION SELECT period FROM old_rows) x;
  ELSE
    SELECT array_agg(DISTINCT period) INTO periods FROM old_rows;
  END IF;
  IF periods IS NOT NULL THEN PERFORM rollup_mark(TG_ARGV[0], periods); END IF;
  RETURN NULL;
END $$;

-- Kiosk attempts: the period is the China Standard Time month the attempt was issued in.
CREATE FUNCTION rollup_mark_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE periods text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT to_char(issued_at AT TIME ZONE INTERVAL '+08:00', 'YYYY-MM')) INTO periods FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT p) INTO periods
      FROM (SELECT to_char(issued_at AT TIME ZONE INTERVAL '+08:00', 'YYYY-MM') AS p FROM new_rows
            UNION SELECT to_char(issued_at AT TIME ZONE INTERVAL '+08:00', 'YYYY-MM') FROM old_rows) x;
  ELSE
    SELECT array_agg(DISTINCT to_char(issued_at AT TIME ZONE INTERVAL '+08:00', 'YYYY-MM')) INTO periods FROM old_rows;
  END IF;
  IF periods IS NOT NULL THEN PERFORM rollup_mark('kiosk', periods); END IF;
  RETURN NULL;
END $$;

-- Payment holds are few and each spans many months: any change marks the sentinel period '*',
-- and the refresh rebuilds every month's savings.
CREATE FUNCTION rollup_mark_holds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rollup_mark('savings', ARRAY['*']);
  RETURN NULL;
END $$;

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

CREATE TRIGGER rollup_dirty_holds AFTER INSERT OR UPDATE OR DELETE ON "payment_holds" FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_holds();

-- An installation that already has data builds its rollups on the worker's first tick.
INSERT INTO rollup_dirty (source, period) SELECT DISTINCT 'checks', period FROM kiosk_checks ON CONFLICT DO NOTHING;
INSERT INTO rollup_dirty (source, period) SELECT DISTINCT 'statuses', period FROM survival_statuses ON CONFLICT DO NOTHING;
INSERT INTO rollup_dirty (source, period) SELECT DISTINCT 'fees', period FROM fee_records ON CONFLICT DO NOTHING;
INSERT INTO rollup_dirty (source, period) SELECT DISTINCT 'cases', period FROM cases ON CONFLICT DO NOTHING;
INSERT INTO rollup_dirty (source, period) SELECT DISTINCT 'kiosk', to_char(issued_at AT TIME ZONE INTERVAL '+08:00', 'YYYY-MM') FROM kiosk_attempts ON CONFLICT DO NOTHING;
INSERT INTO rollup_dirty (source, period) VALUES ('savings', '*') ON CONFLICT DO NOTHING;
