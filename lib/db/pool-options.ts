import type pg from "pg";
import { env } from "../env.js";

// What every pg pool of ours shares (the app's, the streams', the BDMI service's).

/**
 * While the database is away (a restart, a failover) a request waits at most this long for a
 * connection and then fails (503 from the route wrappers) instead of hanging; idle connections a
 * restart broke are dropped by the pool and replaced on the next query.
 */
export const POOL_TIMEOUTS = { connectionTimeoutMillis: env.DB_CONNECT_TIMEOUT_MS, idleTimeoutMillis: 30_000 } as const;

/**
 * Every session of ours runs in UTC, whatever the server's TimeZone (a bureau's server may well be
 * set to Asia/Shanghai). Prisma's pg adapter writes a timestamptz without its offset and reads one
 * back with the offset dropped (prisma/orm#26786, open): under any other session zone its
 * timestamps are stored hours off, and every raw-SQL reader (the run, the dashboard, the pensioner
 * page) disagrees with Prisma's. Sent in the startup packet, so no round trip; a pooler in front
 * must pass it on (PgBouncer: keep `options` out of ignore_startup_parameters).
 */
export const SESSION_OPTIONS = { options: "-c TimeZone=UTC" } as const;

/**
 * A connection the server closes (a restart, a failover, pg_terminate_backend) emits 'error' on
 * its pool when idle and on its client when checked out; with no listener either would end the
 * process. The query in flight still fails (and answers 503); the pool drops the connection and
 * opens a new one for the next query.
 */
export function resilient(p: pg.Pool): pg.Pool {
  const warn = (where: string) => (e: Error) => console.warn(JSON.stringify({ level: "warn", msg: `database connection lost (${where})`, error: e.message }));
  p.on("error", warn("idle"));
  p.on("connect", (client) => client.on("error", warn("in use")));
  return p;
}

