-- survival_statuses gets a million rows a month per million pensioners, each written once by a
-- monthly run. Its second index, (period, region_code, status), served one query: the dashboard's
-- rollup rebuild (lib/server/dashboard/refresh-rollups.ts), which reads a whole period and groups it
-- by region, status and basis; every other read goes by the primary key (pensioner_id, period).
-- A run writes a period's rows together, so they sit in neighbouring blocks and a BRIN index on
-- period finds them as well, for a few pages instead of a B-tree entry per row (about a fifth of
-- the monthly run's write cost).
DROP INDEX "survival_statuses_period_region_code_status_idx";
CREATE INDEX "survival_statuses_period_idx" ON "survival_statuses" USING BRIN ("period");
