/** pg-boss queue names, shared by the app (which enqueues) and the worker (which works them). */
export const QUEUES = {
  housekeeping: "housekeeping.purge-expired",
  monthlyRun: "monthly-run.process",
  bdmiEnrol: "bdmi.enrol-subjects",
} as const;

export const BOSS_SCHEMA = "pgboss";

/** Enrolment with BDMI waits out an outage: retried with backoff for about a day. */
export const ENROL_JOB_OPTIONS = { retryLimit: 30, retryDelay: 30, retryBackoff: true } as const;
