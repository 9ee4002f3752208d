-- CreateEnum
CREATE TYPE "CaseOutcome" AS ENUM ('confirm_alive', 'suspend', 'terminate', 'reinstate');

-- AlterEnum
ALTER TYPE "CaseStatus" ADD VALUE 'proposed';

-- AlterTable
ALTER TABLE "cases" ADD COLUMN     "assigned_at" TIMESTAMPTZ(3),
ADD COLUMN     "assigned_to" UUID,
ADD COLUMN     "closed_at" TIMESTAMPTZ(3),
ADD COLUMN     "death_certified_on" DATE,
ADD COLUMN     "decided_at" TIMESTAMPTZ(3),
ADD COLUMN     "decided_by" UUID,
ADD COLUMN     "outcome" "CaseOutcome",
ADD COLUMN     "proposal_note" TEXT,
ADD COLUMN     "proposed_at" TIMESTAMPTZ(3),
ADD COLUMN     "proposed_by" UUID,
ADD COLUMN     "proposed_outcome" "CaseOutcome",
ADD COLUMN     "reopen_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "case_events" (
    "id" BIGSERIAL NOT NULL,
    "case_id" UUID NOT NULL,
    "region_code" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "actor_id" UUID,
    "body" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_holds" (
    "id" UUID NOT NULL,
    "pensioner_id" UUID NOT NULL,
    "region_code" TEXT NOT NULL,
    "case_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "monthly_fen" BIGINT NOT NULL,
    "start_period" CHAR(7) NOT NULL,
    "savings_end_period" CHAR(7),
    "lifted_period" CHAR(7),
    "approved_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lifted_at" TIMESTAMPTZ(3),

    CONSTRAINT "payment_holds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_arrears" (
    "hold_id" UUID NOT NULL,
    "period" CHAR(7) NOT NULL,
    "pensioner_id" UUID NOT NULL,
    "region_code" TEXT NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "due_period" CHAR(7) NOT NULL,

    CONSTRAINT "payment_arrears_pkey" PRIMARY KEY ("hold_id","period")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" BYTEA NOT NULL,
    "scopes" TEXT[],
    "region_codes" TEXT[],
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollup_checks" (
    "period" CHAR(7) NOT NULL,
    "region_code" TEXT NOT NULL,
    "reason" "CheckReason" NOT NULL,
    "total" INTEGER NOT NULL,
    "scheduled" INTEGER NOT NULL,
    "in_progress" INTEGER NOT NULL,
    "passed" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "review" INTEGER NOT NULL,
    "expired" INTEGER NOT NULL,
    "overdue" INTEGER NOT NULL,

    CONSTRAINT "rollup_checks_pkey" PRIMARY KEY ("period","region_code","reason")
);

-- CreateTable
CREATE TABLE "rollup_kiosk" (
    "period" CHAR(7) NOT NULL,
    "device_id" UUID NOT NULL,
    "region_code" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "passed" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "review" INTEGER NOT NULL,

    CONSTRAINT "rollup_kiosk_pkey" PRIMARY KEY ("period","device_id")
);

-- CreateTable
CREATE TABLE "rollup_statuses" (
    "period" CHAR(7) NOT NULL,
    "region_code" TEXT NOT NULL,
    "status" "SurvivalStatusValue" NOT NULL,
    "basis" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "rollup_statuses_pkey" PRIMARY KEY ("period","region_code","status","basis")
);

-- CreateTable
CREATE TABLE "rollup_fees" (
    "period" CHAR(7) NOT NULL,
    "region_code" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,
    "amount" BIGINT NOT NULL,

    CONSTRAINT "rollup_fees_pkey" PRIMARY KEY ("period","region_code","kind")
);

-- CreateTable
CREATE TABLE "rollup_cases" (
    "period" CHAR(7) NOT NULL,
    "region_code" TEXT NOT NULL,
    "reason" "CaseReason" NOT NULL,
    "opened" INTEGER NOT NULL,
    "closed" INTEGER NOT NULL,
    "confirm_alive" INTEGER NOT NULL,
    "suspend" INTEGER NOT NULL,
    "terminate" INTEGER NOT NULL,
    "reinstate" INTEGER NOT NULL,

    CONSTRAINT "rollup_cases_pkey" PRIMARY KEY ("period","region_code","reason")
);

-- CreateTable
CREATE TABLE "rollup_savings" (
    "period" CHAR(7) NOT NULL,
    "region_code" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "holds" INTEGER NOT NULL,
    "amount_fen" BIGINT NOT NULL,

    CONSTRAINT "rollup_savings_pkey" PRIMARY KEY ("period","region_code","cause","kind")
);

-- CreateTable
CREATE TABLE "rollup_dirty" (
    "source" TEXT NOT NULL,
    "period" CHAR(7) NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollup_dirty_pkey" PRIMARY KEY ("source","period")
);

-- CreateTable
CREATE TABLE "rollup_state" (
    "source" TEXT NOT NULL,
    "refreshed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rollup_state_pkey" PRIMARY KEY ("source")
);

-- CreateIndex
CREATE INDEX "case_events_case_id_at_idx" ON "case_events"("case_id", "at");

-- CreateIndex
CREATE INDEX "payment_holds_region_code_start_period_idx" ON "payment_holds"("region_code", "start_period");

-- CreateIndex
CREATE INDEX "payment_holds_pensioner_id_idx" ON "payment_holds"("pensioner_id");

-- CreateIndex
CREATE INDEX "payment_arrears_due_period_region_code_idx" ON "payment_arrears"("due_period", "region_code");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "rollup_kiosk_period_region_code_idx" ON "rollup_kiosk"("period", "region_code");

-- CreateIndex
CREATE INDEX "kiosk_checks_period_region_code_idx" ON "kiosk_checks"("period", "region_code");

-- CreateIndex
CREATE INDEX "cases_pensioner_id_idx" ON "cases"("pensioner_id");

-- AddForeignKey
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_arrears" ADD CONSTRAINT "payment_arrears_hold_id_fkey" FOREIGN KEY ("hold_id") REFERENCES "payment_holds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written: rules Prisma cannot express.
-- At most one payment stop in force per pensioner.
CREATE UNIQUE INDEX "payment_holds_one_in_force" ON "payment_holds" ("pensioner_id") WHERE "lifted_period" IS NULL;
ALTER TABLE "payment_holds" ADD CONSTRAINT "payment_holds_kind_check" CHECK ("kind" IN ('suspended', 'terminated'));
ALTER TABLE "payment_holds" ADD CONSTRAINT "payment_holds_cause_check" CHECK ("cause" IN ('deceased', 'unverified', 'sentenced'));
ALTER TABLE "payment_holds" ADD CONSTRAINT "payment_holds_amount_check" CHECK ("monthly_fen" >= 0);
ALTER TABLE "payment_arrears" ADD CONSTRAINT "payment_arrears_amount_check" CHECK ("amount_fen" >= 0);
-- A proposal names its proposer; a decision its decider, who is never the proposer (four-eyes).
ALTER TABLE "cases" ADD CONSTRAINT "cases_proposal_check" CHECK ("status"::text <> 'proposed' OR ("proposed_outcome" IS NOT NULL AND "proposed_by" IS NOT NULL));
ALTER TABLE "cases" ADD CONSTRAINT "cases_four_eyes_check" CHECK ("decided_by" IS NULL OR "proposed_by" IS NULL OR "decided_by" <> "proposed_by" OR "outcome" = 'confirm_alive');
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_scopes_check" CHECK (cardinality("scopes") > 0);

-- The case timeline is append-only, like the audit trail.
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON "case_events" FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON "case_events" FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();
