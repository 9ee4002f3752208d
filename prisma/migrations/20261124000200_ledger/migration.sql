-- CreateEnum
CREATE TYPE "SettlementState" AS ENUM ('queued', 'submitted', 'final', 'failed', 'blocked');

-- AlterTable
ALTER TABLE "fee_records" ADD COLUMN     "block" BIGINT,
ADD COLUMN     "ledger_ref" TEXT,
ADD COLUMN     "settlement_id" UUID,
ADD COLUMN     "tx_id" TEXT;

-- CreateTable
CREATE TABLE "ledger_accounts" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "allow_negative" BOOLEAN NOT NULL DEFAULT false,
    "balance" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_accounts_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "ledger_transfers" (
    "seq" BIGINT NOT NULL,
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_transfers_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "ledger_postings" (
    "transfer_seq" BIGINT NOT NULL,
    "n" INTEGER NOT NULL,
    "account" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,

    CONSTRAINT "ledger_postings_pkey" PRIMARY KEY ("transfer_seq","n")
);

-- CreateTable
CREATE TABLE "ledger_head" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "height" BIGINT NOT NULL DEFAULT 0,
    "hash" TEXT NOT NULL,

    CONSTRAINT "ledger_head_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settlements" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "period" CHAR(7) NOT NULL,
    "region_code" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "postings" JSONB NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "state" "SettlementState" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "ledger_ref" TEXT,
    "tx_id" TEXT,
    "block" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submitted_at" TIMESTAMPTZ(3),
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "settlements_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transfers_id_key" ON "ledger_transfers"("id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transfers_idempotency_key_key" ON "ledger_transfers"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transfers_hash_key" ON "ledger_transfers"("hash");

-- CreateIndex
CREATE INDEX "ledger_postings_account_transfer_seq_idx" ON "ledger_postings"("account", "transfer_seq");

-- CreateIndex
CREATE UNIQUE INDEX "settlements_idempotency_key_key" ON "settlements"("idempotency_key");

-- CreateIndex
CREATE INDEX "settlements_state_next_attempt_at_idx" ON "settlements"("state", "next_attempt_at");

-- CreateIndex
CREATE INDEX "settlements_region_code_state_idx" ON "settlements"("region_code", "state");

-- CreateIndex
CREATE INDEX "fee_records_settlement_id_idx" ON "fee_records"("settlement_id");

-- AddForeignKey
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_transfer_seq_fkey" FOREIGN KEY ("transfer_seq") REFERENCES "ledger_transfers"("seq") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_account_fkey" FOREIGN KEY ("account") REFERENCES "ledger_accounts"("code") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ---- Hand-written: the ledger's rules, enforced in SQL (issue 5) -----------------------------

-- A balance may not go negative unless the account allows it. Balances change only through the
-- posting trigger below, which updates the account row (taking its row lock), so two concurrent
-- transfers against one account serialize and the second sees the first's balance.
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_balance_check" CHECK ("allow_negative" OR "balance" >= 0);
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_amount_check" CHECK ("amount" <> 0);
ALTER TABLE "ledger_head" ADD CONSTRAINT "ledger_head_one_row" CHECK ("id" = 1);
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_amount_check" CHECK ("amount" >= 0);

-- The genesis: height 0, hash of 32 zero bytes.
INSERT INTO "ledger_head" ("id", "height", "hash") VALUES (1, 0, repeat('0', 64));

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger entries are append-only (% on %): correct with a reversing transfer', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER ledger_transfers_append_only BEFORE UPDATE OR DELETE ON "ledger_transfers"
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON "ledger_transfers"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON "ledger_postings"
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON "ledger_postings"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_accounts_no_delete BEFORE DELETE ON "ledger_accounts"
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON "ledger_accounts"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_head_no_delete BEFORE DELETE ON "ledger_head"
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

-- Balances are derived from postings only: every posting moves its account's balance (under the
-- account's row lock; the CHECK above refuses an overdraft).
CREATE FUNCTION ledger_apply_posting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "ledger_accounts" SET "balance" = "balance" + NEW."amount" WHERE "code" = NEW."account";
  RETURN NULL;
END;
$$;
CREATE TRIGGER ledger_postings_apply AFTER INSERT ON "ledger_postings"
  FOR EACH ROW EXECUTE FUNCTION ledger_apply_posting();

-- A balance is written only by the posting trigger (pg_trigger_depth() > 1 there).
CREATE FUNCTION ledger_guard_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."balance" IS DISTINCT FROM OLD."balance" AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'a ledger balance changes only through postings' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW."code" IS DISTINCT FROM OLD."code" THEN
    RAISE EXCEPTION 'a ledger account code never changes' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_accounts_guard BEFORE UPDATE ON "ledger_accounts"
  FOR EACH ROW EXECUTE FUNCTION ledger_guard_balance();

-- Double entry: at commit, every transfer has two or more postings that sum to zero.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n int; total numeric;
BEGIN
  SELECT count(*), coalesce(sum("amount"), 0) INTO n, total FROM "ledger_postings" WHERE "transfer_seq" = NEW."seq";
  IF n < 2 OR total <> 0 THEN
    RAISE EXCEPTION 'ledger transfer % does not balance (% postings, sum %)', NEW."seq", n, total USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER ledger_transfers_balanced AFTER INSERT ON "ledger_transfers"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

-- One transfer, all or nothing. p_body is the canonical intent (JSON text, built by the adapter):
-- {"v":1,"key":…,"kind":…,"recordId":…,"payloadHash":…,"memo":…,"postings":[["account","amount"],…]}.
-- Refusals write nothing and come back as a code: replayed (same key, same body: the earlier
-- transfer), conflict (same key, other body), invalid, unknown_account, insufficient.
-- Every transfer first locks the head row, so heights are gapless, the hash chain is linear, and
-- the idempotency check cannot race; accounts are then locked in code order (no deadlocks).
CREATE FUNCTION ledger_submit(p_body text)
RETURNS TABLE (code text, ref uuid, seq bigint, hash text, detail text)
LANGUAGE plpgsql AS $$
DECLARE
  b json;
  v_key text;
  v_accounts text[];
  v_amounts bigint[];
  v_height bigint;
  v_prev text;
  v_found record;
  v_missing text;
  v_short text;
  v_seq bigint;
  v_hash text;
  v_id uuid;
BEGIN
  BEGIN
    b := p_body::json;
    v_key := b->>'key';
    SELECT array_agg(e->>0 ORDER BY i), array_agg((e->>1)::bigint ORDER BY i) INTO v_accounts, v_amounts
      FROM json_array_elements(b->'postings') WITH ORDINALITY AS t(e, i);
  EXCEPTION WHEN others THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::bigint, NULL::text, 'malformed intent: ' || SQLERRM;
    RETURN;
  END;
  IF v_key IS NULL OR length(v_key) = 0 OR coalesce(b->>'kind', '') = '' OR coalesce(b->>'recordId', '') = '' OR coalesce(b->>'payloadHash', '') = '' THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::bigint, NULL::text, 'key, kind, recordId and payloadHash are required';
    RETURN;
  END IF;
  IF coalesce(array_length(v_accounts, 1), 0) < 2 THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::bigint, NULL::text, 'a transfer needs two or more postings';
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(v_amounts) a WHERE a IS NULL OR a = 0) THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::bigint, NULL::text, 'a posting amount must be a non-zero whole number of base units';
    RETURN;
  END IF;
  IF (SELECT count(DISTINCT a) FROM unnest(v_accounts) a) <> array_length(v_accounts, 1) THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::bigint, NULL::text, 'an account appears twice in one transfer';
    RETURN;
  END IF;
  IF (SELECT sum(a::numeric) FROM unnest(v_amounts) a) <> 0 THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::bigint, NULL::text, 'the postings do not sum to zero';
    RETURN;
  END IF;

  SELECT h."height", h."hash" INTO v_height, v_prev FROM "ledger_head" h WHERE h."id" = 1 FOR UPDATE;

  SELECT t."id", t."seq", t."hash", t."body" INTO v_found FROM "ledger_transfers" t WHERE t."idempotency_key" = v_key;
  IF FOUND THEN
    IF v_found."body" = p_body THEN
      RETURN QUERY SELECT 'replayed'::text, v_found."id", v_found."seq", v_found."hash", NULL::text;
    ELSE
      RETURN QUERY SELECT 'conflict'::text, v_found."id", NULL::bigint, NULL::text, 'idempotency key ' || v_key || ' was used with a different intent';
    END IF;
    RETURN;
  END IF;

  PERFORM 1 FROM "ledger_accounts" a WHERE a."code" = ANY (v_accounts) ORDER BY a."code" FOR UPDATE;
  SELECT string_agg(x, ', ') INTO v_missing FROM unnest(v_accounts) x WHERE NOT EXISTS (SELECT 1 FROM "ledger_accounts" a WHERE a."code" = x);
  IF v_missing IS NOT NULL THEN
    RETURN QUERY SELECT 'unknown_account'::text, NULL::uuid, NULL::bigint, NULL::text, v_missing;
    RETURN;
  END IF;
  SELECT string_agg(a."code", ', ') INTO v_short
    FROM unnest(v_accounts, v_amounts) AS p(acc, amt) JOIN "ledger_accounts" a ON a."code" = p.acc
   WHERE NOT a."allow_negative" AND a."balance" + p.amt < 0;
  IF v_short IS NOT NULL THEN
    RETURN QUERY SELECT 'insufficient'::text, NULL::uuid, NULL::bigint, NULL::text, v_short;
    RETURN;
  END IF;

  v_seq := v_height + 1;
  v_hash := encode(sha256(decode(v_prev, 'hex') || int8send(v_seq) || convert_to(p_body, 'UTF8')), 'hex');
  v_id := gen_random_uuid();
  INSERT INTO "ledger_transfers" ("seq", "id", "idempotency_key", "kind", "record_id", "payload_hash", "body", "prev_hash", "hash")
  VALUES (v_seq, v_id, v_key, b->>'kind', b->>'recordId', b->>'payloadHash', p_body, v_prev, v_hash);
  INSERT INTO "ledger_postings" ("transfer_seq", "n", "account", "amount")
  SELECT v_seq, p.i::int, p.acc, p.amt FROM unnest(v_accounts, v_amounts) WITH ORDINALITY AS p(acc, amt, i);
  UPDATE "ledger_head" SET "height" = v_seq, "hash" = v_hash WHERE "id" = 1;
  RETURN QUERY SELECT 'ok'::text, v_id, v_seq, v_hash, NULL::text;
END;
$$;
