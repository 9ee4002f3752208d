-- CreateEnum
CREATE TYPE "RunState" AS ENUM ('scheduled', 'running', 'paused', 'completed');

-- CreateEnum
CREATE TYPE "SurvivalStatusValue" AS ENUM ('alive', 'deceased', 'sentenced', 'suspected');

-- CreateEnum
CREATE TYPE "CheckStatus" AS ENUM ('scheduled', 'in_progress', 'passed', 'failed', 'review', 'expired');

-- CreateEnum
CREATE TYPE "CheckReason" AS ENUM ('suspected', 'cohort', 'officer');

-- CreateEnum
CREATE TYPE "CaseReason" AS ENUM ('deceased', 'sentenced', 'check_review', 'check_failed', 'overdue');

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('open', 'closed');

-- CreateTable
CREATE TABLE "monthly_runs" (
    "id" UUID NOT NULL,
    "period" CHAR(7) NOT NULL,
    "region_codes" TEXT[],
    "scope_key" TEXT NOT NULL,
    "state" "RunState" NOT NULL DEFAULT 'scheduled',
    "scheduled_for" TIMESTAMPTZ(3) NOT NULL,
    "requested_by" UUID,
    "requested_role" TEXT NOT NULL,
    "cohort_min_age" INTEGER NOT NULL,
    "check_due_on" DATE NOT NULL,
    "planned" BOOLEAN NOT NULL DEFAULT false,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "batches_total" INTEGER NOT NULL DEFAULT 0,
    "batches_done" INTEGER NOT NULL DEFAULT 0,
    "outcome" JSONB NOT NULL DEFAULT '{}',
    "checks_scheduled" INTEGER NOT NULL DEFAULT 0,
    "cases_opened" INTEGER NOT NULL DEFAULT 0,
    "fee_total" BIGINT NOT NULL DEFAULT 0,
    "paused_reason" TEXT,
    "pause_count" INTEGER NOT NULL DEFAULT 0,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "monthly_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_batches" (
    "run_id" UUID NOT NULL,
    "batch_no" INTEGER NOT NULL,
    "lo_region" TEXT NOT NULL,
    "lo_id" UUID NOT NULL,
    "hi_region" TEXT,
    "hi_id" UUID,
    "done" BOOLEAN NOT NULL DEFAULT false,
    "assessed" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "bdmi_call_id" TEXT,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "run_batches_pkey" PRIMARY KEY ("run_id","batch_no")
);

-- CreateTable
CREATE TABLE "survival_statuses" (
    "pensioner_id" UUID NOT NULL,
    "period" CHAR(7) NOT NULL,
    "region_code" TEXT NOT NULL,
    "status" "SurvivalStatusValue" NOT NULL,
    "basis" TEXT NOT NULL,
    "s" INTEGER NOT NULL,
    "t" INTEGER NOT NULL,
    "death_at" TIMESTAMPTZ(3),
    "affirmed_at" TIMESTAMPTZ(3),
    "previous_status" "SurvivalStatusValue",
    "model_version" TEXT NOT NULL,
    "evidence_refs" BIGINT[],
    "run_id" UUID,
    "assessed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "survival_statuses_pkey" PRIMARY KEY ("pensioner_id","period")
);

-- CreateTable
CREATE TABLE "fee_records" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "run_id" UUID,
    "batch_no" INTEGER,
    "period" CHAR(7) NOT NULL,
    "region_code" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "amount" BIGINT NOT NULL,
    "platform_share" BIGINT NOT NULL,
    "provider_share" BIGINT NOT NULL,
    "schedule_version" TEXT NOT NULL,
    "bdmi_call_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "fee_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kiosk_checks" (
    "id" UUID NOT NULL,
    "pensioner_id" UUID NOT NULL,
    "region_code" TEXT NOT NULL,
    "period" CHAR(7) NOT NULL,
    "reason" "CheckReason" NOT NULL,
    "status" "CheckStatus" NOT NULL DEFAULT 'scheduled',
    "due_on" DATE NOT NULL,
    "run_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "kiosk_checks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cases" (
    "id" UUID NOT NULL,
    "pensioner_id" UUID NOT NULL,
    "region_code" TEXT NOT NULL,
    "reason" "CaseReason" NOT NULL,
    "status" "CaseStatus" NOT NULL DEFAULT 'open',
    "period" CHAR(7) NOT NULL,
    "run_id" UUID,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cases_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "monthly_runs_scope_key_key" ON "monthly_runs"("scope_key");

-- CreateIndex
CREATE INDEX "monthly_runs_period_created_at_idx" ON "monthly_runs"("period", "created_at");

-- CreateIndex
CREATE INDEX "monthly_runs_state_lease_until_idx" ON "monthly_runs"("state", "lease_until");

-- CreateIndex
CREATE INDEX "survival_statuses_period_region_code_status_idx" ON "survival_statuses"("period", "region_code", "status");

-- CreateIndex
CREATE INDEX "fee_records_period_region_code_idx" ON "fee_records"("period", "region_code");

-- CreateIndex
CREATE UNIQUE INDEX "fee_records_run_id_batch_no_region_code_key" ON "fee_records"("run_id", "batch_no", "region_code");

-- CreateIndex
CREATE INDEX "kiosk_checks_region_code_status_due_on_idx" ON "kiosk_checks"("region_code", "status", "due_on");

-- CreateIndex
CREATE UNIQUE INDEX "kiosk_checks_pensioner_id_period_key" ON "kiosk_checks"("pensioner_id", "period");

-- CreateIndex
CREATE INDEX "cases_region_code_status_opened_at_idx" ON "cases"("region_code", "status", "opened_at");

-- CreateIndex
CREATE UNIQUE INDEX "cases_pensioner_id_reason_period_key" ON "cases"("pensioner_id", "reason", "period");

-- CreateIndex
CREATE INDEX "pensioners_region_code_id_idx" ON "pensioners"("region_code", "id");

-- AddForeignKey
ALTER TABLE "run_batches" ADD CONSTRAINT "run_batches_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "monthly_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Adds two {"key": count} objects key by key: a run's outcome grows batch by batch in one UPDATE.
CREATE OR REPLACE FUNCTION merge_counts(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(k, coalesce((a->>k)::bigint, 0) + coalesce((b->>k)::bigint, 0)), '{}'::jsonb)
    FROM (SELECT jsonb_object_keys(coalesce(a, '{}'::jsonb)) AS k
          UNION SELECT jsonb_object_keys(coalesce(b, '{}'::jsonb))) AS keys
$$;
