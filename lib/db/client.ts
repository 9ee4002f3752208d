import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "../env.js";
import { PrismaClient } from "./generated/client";


let override: string | undefined;

/** For processes that started the embedded PostgreSQL themselves (scripts, worker, tests). */
export function useDatabaseUrl(url: string): void {
  override = url;
}

export function databaseUrl(): string {
  if (override) return override;
  if (!env.DATABASE_URL) {
    throw new Error("DATABASE_URL is not set: start through `npm start`, which runs the embedded PostgreSQL");
  }
  return env.DATABASE_URL;
}

/**
 * While the database is away (a restart, a failover) a request waits at most this long for a
 * connection and then fails (503 from the route wrappers) instead of hanging; idle connections a
 * restart broke are dropped by the pool and replaced on the next query.
 */
export const POOL_TIMEOUTS = { connectionTimeoutMillis: env.DB_CONNECT_TIMEOUT_MS, idleTimeoutMillis: 30_000 } as const;

type TGlobal = { prisma?: PrismaClient; pool?: pg.Pool; streamPool?: pg.Pool };
const g = globalThis as unknown as TGlobal;

/** The one pg pool, for set-based SQL (COPY, INSERT … SELECT). */
export function pool(): pg.Pool {
  if (!g.pool) {
    g.pool = new pg.Pool({ connectionString: databaseUrl(), max: 10, ...POOL_TIMEOUTS });
    // An idle connection the server closed (a restart) is dropped and replaced; without a
    // listener the pool's 'error' event would end the process.
    g.pool.on("error", (e) => console.warn(JSON.stringify({ level: "warn", msg: "idle database connection lost", error: e.message })));
  }
  return g.pool;
}

/**
 * Connections for downloads that stream from one snapshot (exports): a download is paced by the
 * reader and can hold its connection for minutes, so these come from a small pool of their own and
 * a slow browser can never starve the requests of the main pool.
 */
export function streamPool(): pg.Pool {
  if (!g.streamPool) {
    g.streamPool = new pg.Pool({ connectionString: databaseUrl(), max: STREAM_POOL_MAX, connectionTimeoutMillis: 15_000, idleTimeoutMillis: 10_000, application_name: STREAM_APPLICATION_NAME });
    // A connection that dies while idle in the pool is simply dropped; the next download opens a new one.
    g.streamPool.on("error", () => {});
  }
  return g.streamPool;
}
export const STREAM_POOL_MAX = 4;
/** The application_name of stream connections (pg_stat_activity shows which backends serve downloads). */
export const STREAM_APPLICATION_NAME = "pension-stream";

/** The one Prisma client (singleton across hot reloads). */
export function prisma(): PrismaClient {
  g.prisma ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl(), max: 10, ...POOL_TIMEOUTS }) });
  return g.prisma;
}

export type TTx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export async function closeDb(): Promise<void> {
  await g.prisma?.$disconnect();
  await g.pool?.end();
  await g.streamPool?.end();
  g.prisma = undefined;
  g.pool = undefined;
  g.streamPool = undefined;
}
