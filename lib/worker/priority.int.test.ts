import os from "node:os";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { databaseUrl } from "../db/client";
import { lowerLocalBackendPriority } from "./priority";

describe("the worker's database backends yield too, when PostgreSQL is on this machine", () => {
  it("renices each new connection's backend of a local server, and only that one", async () => {
    const url = databaseUrl();
    const p = new pg.Pool({ connectionString: url, max: 2 });
    const other = new pg.Pool({ connectionString: url, max: 1 });
    try {
      expect(lowerLocalBackendPriority(p, url, 7)).toBe(true);
      // The hook's own query runs first on the new connection; this one waits behind it.
      const pid = (await p.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
      expect(os.getPriority(pid)).toBe(7);
      const unhooked = (await other.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
      expect(os.getPriority(unhooked)).toBe(os.getPriority(process.pid));
    } finally {
      await p.end();
      await other.end();
    }
  });

  it("leaves a remote server alone, and does nothing at nice 0", () => {
    const p = new pg.Pool({ connectionString: "postgresql://u:p@db.internal:5432/pension" });
    expect(lowerLocalBackendPriority(p, "postgresql://u:p@db.internal:5432/pension", 10)).toBe(false);
    expect(lowerLocalBackendPriority(p, "postgresql://u:p@127.0.0.1:5432/pension", 0)).toBe(false);
    expect(p.listenerCount("connect")).toBe(0);
    void p.end();
  });
});
