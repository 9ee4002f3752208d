-- CreateTable
CREATE TABLE "audit_log_leaves" (
    "seq" BIGINT NOT NULL,
    "event_id" BIGINT NOT NULL,
    "leaf_hash" BYTEA NOT NULL,

    CONSTRAINT "audit_log_leaves_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "audit_log_nodes" (
    "level" SMALLINT NOT NULL,
    "idx" BIGINT NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "audit_log_nodes_pkey" PRIMARY KEY ("level","idx")
);

-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "id" BIGSERIAL NOT NULL,
    "tree_size" BIGINT NOT NULL,
    "root_hash" BYTEA NOT NULL,
    "origin" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_anchors" (
    "id" BIGSERIAL NOT NULL,
    "checkpoint_id" BIGINT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "adapter" TEXT,
    "ledger_ref" TEXT,
    "tx_id" TEXT,
    "block" BIGINT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_anchors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_seal_cursor" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "watermark" BIGINT NOT NULL DEFAULT 0,
    "pending_last_id" BIGINT NOT NULL DEFAULT 0,
    "pending_xmax" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_seal_cursor_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_log_leaves_event_id_key" ON "audit_log_leaves"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_checkpoints_tree_size_key" ON "audit_checkpoints"("tree_size");

-- CreateIndex
CREATE UNIQUE INDEX "audit_anchors_checkpoint_id_key" ON "audit_anchors"("checkpoint_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_anchors_idempotency_key_key" ON "audit_anchors"("idempotency_key");

-- CreateIndex
CREATE INDEX "audit_anchors_state_updated_at_idx" ON "audit_anchors"("state", "updated_at");

-- AddForeignKey
ALTER TABLE "audit_anchors" ADD CONSTRAINT "audit_anchors_checkpoint_id_fkey" FOREIGN KEY ("checkpoint_id") REFERENCES "audit_checkpoints"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- The sealer's cursor has exactly one row.
INSERT INTO "audit_seal_cursor" ("id") VALUES (1);
ALTER TABLE "audit_seal_cursor" ADD CONSTRAINT "audit_seal_cursor_one_row" CHECK ("id" = 1);

-- The log is append-only, like audit_events: leaves, stored subtree hashes and checkpoints can be
-- inserted, never changed or removed (20261123000100_audit_append_only has the same guard).
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
    USING ERRCODE = '55000',
          HINT = 'The audit log can only be appended to.';
END;
$$;

CREATE TRIGGER audit_log_leaves_no_update_delete BEFORE UPDATE OR DELETE ON "audit_log_leaves"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_leaves_no_truncate BEFORE TRUNCATE ON "audit_log_leaves"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_nodes_no_update_delete BEFORE UPDATE OR DELETE ON "audit_log_nodes"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_nodes_no_truncate BEFORE TRUNCATE ON "audit_log_nodes"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON "audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON "audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Audit event ids: a transaction gets its transaction id BEFORE it draws an event id, so that
-- "every id the sequence had handed out when I looked belongs to a transaction older than the xmax
-- I read next" holds; the sealer's watermark rests on it (README, "Sealing and the id gap").
-- pg_current_xact_id() assigns the transaction id if the transaction has none yet. The sequence
-- must not cache values per session (CACHE 1, the default), or ids would be handed out of order.
CREATE OR REPLACE FUNCTION audit_events_next_id() RETURNS bigint
LANGUAGE sql VOLATILE
AS $$
  SELECT CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('audit_events_id_seq') END
$$;
ALTER SEQUENCE "audit_events_id_seq" CACHE 1;
ALTER TABLE "audit_events" ALTER COLUMN "id" SET DEFAULT audit_events_next_id();
