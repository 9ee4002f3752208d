-- AlterTable
ALTER TABLE "kiosk_devices" ADD COLUMN     "code_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "code_hash" BYTEA,
ADD COLUMN     "created_by" UUID,
ADD COLUMN     "enrolled_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_seen_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "kiosk_checks" ADD COLUMN     "decided_at" TIMESTAMPTZ(3),
ADD COLUMN     "failures" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "kiosk_attempts" (
    "id" UUID NOT NULL,
    "check_id" UUID NOT NULL,
    "pensioner_id" UUID NOT NULL,
    "region_code" TEXT NOT NULL,
    "device_id" UUID NOT NULL,
    "steps" TEXT[],
    "locale" TEXT NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "submitted_at" TIMESTAMPTZ(3),
    "decision" TEXT,
    "reasons" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "scores" JSONB,
    "bdmi_call_id" TEXT,

    CONSTRAINT "kiosk_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "survival_status_revisions" (
    "id" BIGSERIAL NOT NULL,
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
    "assessed_at" TIMESTAMPTZ(3) NOT NULL,
    "cause" TEXT NOT NULL,
    "check_id" UUID,
    "superseded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "survival_status_revisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "kiosk_attempts_check_id_issued_at_idx" ON "kiosk_attempts"("check_id", "issued_at");

-- CreateIndex
CREATE INDEX "kiosk_attempts_region_code_issued_at_idx" ON "kiosk_attempts"("region_code", "issued_at");

-- CreateIndex
CREATE INDEX "survival_status_revisions_pensioner_id_period_idx" ON "survival_status_revisions"("pensioner_id", "period");

-- CreateIndex
CREATE UNIQUE INDEX "kiosk_devices_code_hash_key" ON "kiosk_devices"("code_hash");


-- survival_status_revisions keeps the statuses a same-period revision replaced: append-only.
CREATE OR REPLACE FUNCTION survival_status_revisions_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'survival_status_revisions is append-only'
    USING ERRCODE = '55000',
          HINT = 'Rows in survival_status_revisions can only be inserted.';
END;
$$;

CREATE TRIGGER survival_status_revisions_no_update_delete
  BEFORE UPDATE OR DELETE ON survival_status_revisions
  FOR EACH ROW EXECUTE FUNCTION survival_status_revisions_append_only();
