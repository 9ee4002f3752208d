-- CreateEnum
CREATE TYPE "neo_tx_state" AS ENUM ('queued', 'submitted', 'final', 'failed', 'expired');

-- CreateTable
CREATE TABLE "neo_transactions" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "intent_hash" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "script" TEXT NOT NULL,
    "state" "neo_tx_state" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "tx_hash" TEXT,
    "valid_until_block" BIGINT,
    "block_height" BIGINT,
    "block_hash" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "neo_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "neo_tx_attempts" (
    "tx_hash" TEXT NOT NULL,
    "neo_transaction_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "raw_tx" TEXT NOT NULL,
    "valid_until_block" BIGINT NOT NULL,
    "state" "neo_tx_state" NOT NULL DEFAULT 'queued',
    "sends" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "neo_tx_attempts_pkey" PRIMARY KEY ("tx_hash")
);

-- CreateIndex
CREATE UNIQUE INDEX "neo_transactions_idempotency_key_key" ON "neo_transactions"("idempotency_key");

-- CreateIndex
CREATE INDEX "neo_transactions_state_updated_at_idx" ON "neo_transactions"("state", "updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "neo_tx_attempts_neo_transaction_id_attempt_key" ON "neo_tx_attempts"("neo_transaction_id", "attempt");

-- AddForeignKey
ALTER TABLE "neo_tx_attempts" ADD CONSTRAINT "neo_tx_attempts_neo_transaction_id_fkey" FOREIGN KEY ("neo_transaction_id") REFERENCES "neo_transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

