/** pg-boss queue names, shared by the app (which enqueues) and the worker (which works them). */
export const QUEUES = {
  housekeeping: "housekeeping.purge-expired",
  monthlyRun: "monthly-run.process",
  bdmiEnrol: "bdmi.enrol-subjects",
  /** An in-person check (01/01) or manual intervention (01/03) of a case, fed to BDMI and reassessed. */
  caseEvidence: "case-evidence.feed",
} as const;

export const BOSS_SCHEMA = "pgboss";

/** Enrolment with BDMI waits out an outage: retried with backoff for about a day. */
export const ENROL_JOB_OPTIONS = { retryLimit: 30, retryDelay: 30, retryBackoff: true } as const;

/** A case's evidence waits out a BDMI outage the same way; the feed id makes every retry idempotent. */
export const CASE_EVIDENCE_JOB_OPTIONS = { retryLimit: 30, retryDelay: 30, retryBackoff: true } as const;
