import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "../env.js";
import { PrismaClient } from "./generated/client";
import { POOL_TIMEOUTS, SESSION_OPTIONS, resilient } from "./pool-options";

export { POOL_TIMEOUTS, SESSION_OPTIONS, resilient };


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

type TGlobal = { prisma?: PrismaClient; pool?: pg.Pool; streamPool?: pg.Pool };
const g = globalThis as unknown as TGlobal;

/** The one pg pool, for set-based SQL (COPY, INSERT … SELECT). */
export function pool(): pg.Pool {
  if (!g.pool) {
    g.pool = resilient(new pg.Pool({ connectionString: databaseUrl(), max: 10, ...POOL_TIMEOUTS, ...SESSION_OPTIONS }));
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
    g.streamPool = resilient(new pg.Pool({ connectionString: databaseUrl(), max: STREAM_POOL_MAX, connectionTimeoutMillis: 15_000, idleTimeoutMillis: 10_000, application_name: STREAM_APPLICATION_NAME, ...SESSION_OPTIONS }));
  }
  return g.streamPool;
}
export const STREAM_POOL_MAX = 4;
/** The application_name of stream connections (pg_stat_activity shows which backends serve downloads). */
export const STREAM_APPLICATION_NAME = "pension-stream";

/** The one Prisma client (singleton across hot reloads). */
export function prisma(): PrismaClient {
  g.prisma ??= prismaFor(databaseUrl());
  return g.prisma;
}

/** A Prisma client on its own pool, with the sessions every pool of ours has (UTC: pool-options.ts). */
export function prismaFor(connectionString: string, max = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max, ...POOL_TIMEOUTS, ...SESSION_OPTIONS }) });
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
