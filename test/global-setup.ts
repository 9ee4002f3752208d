import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { testEnv } from "../lib/env.js";
import { startEmbeddedPostgres, type TDatabase } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * A database of its own on the server TEST_DATABASE_URL names (any PostgreSQL ≥ 15), created
 * here and dropped after, so the suite proves the migrations and queries on that server too.
 */
async function databaseOnServer(serverUrl: string): Promise<TDatabase> {
  const name = `pension_int_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const { rows } = await admin.query<{ v: string }>("select current_setting('server_version_num') as v");
  if (Number(rows[0]!.v) < 150000) throw new Error(`TEST_DATABASE_URL: PostgreSQL ${rows[0]!.v} is older than 15`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  console.log(`[int-db] database ${name} on ${url.host} (PostgreSQL ${rows[0]!.v})`);
  return {
    url: url.toString(),
    embedded: false,
    stop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * The suite's database defaults to Asia/Shanghai, as a bureau's server may well be set: what the
 * app writes and reads must not depend on the server's zone (lib/db/pool-options.ts, SESSION_OPTIONS;
 * lib/db/session-timezone.int.test.ts). New sessions take it; the migrations run under it too.
 */
export const SERVER_TIME_ZONE = "Asia/Shanghai";
async function serverZoneNotUtc(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ name: string }>("select current_database() as name");
    await c.query(`alter database "${rows[0]!.name.replaceAll('"', '""')}" set timezone to '${SERVER_TIME_ZONE}'`);
  } finally {
    await c.end();
  }
}

/** A fresh, real PostgreSQL for the integration tests, migrated with the project's migrations. */
export default async function setup(project: TestProject) {
  let dir: string | null = null;
  let db: TDatabase;
  if (testEnv.databaseUrl) db = await databaseOnServer(testEnv.databaseUrl);
  else {
    dir = mkdtempSync(path.join(os.tmpdir(), "pension-int-"));
    db = await startEmbeddedPostgres(dir, (m) => console.log(`[int-db] ${m}`));
  }
  try {
    await serverZoneNotUtc(db.url);
    await migrate(db.url);
  } catch (e) {
    await db.stop();
    throw e;
  }
  project.provide("databaseUrl", db.url);
  return async () => {
    await db.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
