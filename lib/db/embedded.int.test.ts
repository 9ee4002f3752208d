import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type TDatabase } from "./embedded";

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

async function scalar(url: string, sql: string): Promise<unknown> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Object.values((await c.query(sql)).rows[0] ?? {})[0];
  } finally {
    await c.end();
  }
}

// A clone under /root or in `mktemp -d` is mode 700: as root, the cluster's postgres user cannot
// enter it, so the launcher keeps the cluster under /var/lib/pension-survival and records where.
describe.runIf(asRoot)("the embedded PostgreSQL as root in a folder the postgres user cannot enter", { timeout: 120_000 }, () => {
  it("starts there, keeps its data across restarts, and retires the cluster of a deleted DATA_DIR", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "pension-700-"));
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const dataDir = path.join(home, "data");
    const started: TDatabase[] = [];
    const start = async (dir: string, log?: (m: string) => void) => {
      const db = await startEmbeddedPostgres(dir, log);
      started.push(db);
      return db;
    };
    try {
      const logs: string[] = [];
      const db = await start(dataDir, (m) => logs.push(m));
      const where = readFileSync(path.join(dataDir, "postgres.location"), "utf8").trim();
      expect(where).toMatch(/^\/var\/lib\/pension-survival\/clusters\/[0-9a-f]{16}\/postgres$/);
      expect(db.location).toBe(where);
      expect(logs.join("\n")).toContain(`its database is kept in ${where}`);
      expect(await scalar(db.url, "select current_setting('server_encoding')")).toBe("UTF8");
      await scalar(db.url, "create table kept as select 42 as v");
      await db.stop();

      const again = await start(dataDir);
      expect(again.location).toBe(where);
      expect(await scalar(again.url, "select v from kept")).toBe(42);
      await again.stop();

      // DATA_DIR (and so the secrets that read its data) deleted: the next relocation removes it.
      rmSync(dataDir, { recursive: true, force: true });
      const other = path.join(home, "other");
      const next = await start(other);
      expect(existsSync(where)).toBe(false);
      await next.stop();
      rmSync(path.dirname(next.location!), { recursive: true, force: true });
    } finally {
      for (const db of started) await db.stop();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
