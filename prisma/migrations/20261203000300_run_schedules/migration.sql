-- Recurring monthly runs: "every month on day D at HH:MM Beijing time" for a set of regions. The
-- worker reads this table on its own clock and starts the run of the month the time falls in.
CREATE TABLE "run_schedules" (
  "id" UUID NOT NULL,
  "region_codes" TEXT[] NOT NULL,
  -- The sorted region codes: one active schedule per region set.
  "scope_key" TEXT NOT NULL,
  -- The payer's province or the common prefix of the regions, for scoping its audit events.
  "region_code" TEXT NOT NULL,
  "day_of_month" INTEGER NOT NULL,
  -- Minutes after midnight, China Standard Time (UTC+8).
  "minute_of_day" INTEGER NOT NULL,
  "cohort_min_age" INTEGER,
  "next_run_at" TIMESTAMPTZ(3) NOT NULL,
  "last_fired_at" TIMESTAMPTZ(3),
  "last_period" CHAR(7),
  "last_run_id" UUID,
  "last_error" TEXT,
  "created_by" UUID,
  "version" INTEGER NOT NULL DEFAULT 0,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "cancelled_at" TIMESTAMPTZ(3),
  "cancelled_by" UUID,
  CONSTRAINT "run_schedules_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "run_schedules_day_check" CHECK ("day_of_month" BETWEEN 1 AND 31),
  CONSTRAINT "run_schedules_minute_check" CHECK ("minute_of_day" BETWEEN 0 AND 1439),
  CONSTRAINT "run_schedules_cohort_check" CHECK ("cohort_min_age" IS NULL OR "cohort_min_age" BETWEEN 0 AND 130)
);
CREATE UNIQUE INDEX "run_schedules_one_active_per_scope" ON "run_schedules" ("scope_key") WHERE "cancelled_at" IS NULL;
CREATE INDEX "run_schedules_due_idx" ON "run_schedules" ("next_run_at") WHERE "cancelled_at" IS NULL;

-- The month-order rule looks up the latest completed run of overlapping regions.
CREATE INDEX "monthly_runs_completed_period_idx" ON "monthly_runs" ("period") WHERE "state" = 'completed';
