/** pg-boss queue names, shared by the app (which enqueues) and the worker (which works them). */
export const QUEUES = {
  housekeeping: "housekeeping.purge-expired",
  monthlyRun: "monthly-run.process",
} as const;

export const BOSS_SCHEMA = "pgboss";
