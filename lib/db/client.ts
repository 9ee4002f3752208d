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

type TGlobal = { prisma?: PrismaClient; pool?: pg.Pool };
const g = globalThis as unknown as TGlobal;

/** The one pg pool, for set-based SQL (COPY, INSERT … SELECT). */
export function pool(): pg.Pool {
  g.pool ??= new pg.Pool({ connectionString: databaseUrl(), max: 10 });
  return g.pool;
}

/** The one Prisma client (singleton across hot reloads). */
export function prisma(): PrismaClient {
  g.prisma ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl(), max: 10 }) });
  return g.prisma;
}

export type TTx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export async function closeDb(): Promise<void> {
  await g.prisma?.$disconnect();
  await g.pool?.end();
  g.prisma = undefined;
  g.pool = undefined;
}
