import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, pool, prisma, useDatabaseUrl } from "./client";
import { startEmbeddedPostgres, type TDatabase } from "./embedded";
import { migrate } from "./migrate";
import { env } from "../env.js";
import { isDbUnavailable } from "../server/db-unavailable";

// PostgreSQL restarted (fast stop, start) under the app: while it is away a request answers 503
// problem+json within the connect timeout (never a hang), and afterwards the same pools serve
// again by themselves. A cluster of this file's own, so the suite's database stays up.

const session: { user: unknown } = { user: null };
vi.mock("../auth/current-user", () => ({ currentUser: async () => session.user }));

let dir: string;
let db: TDatabase;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pg-restart-"));
  db = await startEmbeddedPostgres(dir);
  port = Number(new URL(db.url).port);
  await migrate(db.url);
  await closeDb();
  useDatabaseUrl(db.url);
}, 120_000);

afterAll(async () => {
  await closeDb();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a database restart", () => {
  it("answers 503 problem+json with Retry-After while PostgreSQL is down, and serves again once it is back", async () => {
    const { GET } = await import("../../app/api/v1/users/route");
    const admin = await prisma().user.create({ data: { username: "restart-admin", displayName: "a", role: "admin", passwordHash: "x", totpEnabledAt: new Date() }, select: { id: true } });
    await prisma().region.create({ data: { code: "52", name: "贵州省", nameEn: "Guizhou", level: "province" } });
    await prisma().userRegion.create({ data: { userId: admin.id, regionCode: "52" } });
    session.user = { userId: admin.id, sessionId: "s", username: "restart-admin", displayName: "a", role: "admin", regions: ["52"], setup: null, hasSecondFactor: true };
    const list = () => GET(new NextRequest("http://localhost/api/v1/users"), { params: Promise.resolve({}) });
    expect((await list()).status).toBe(200);
    expect((await pool().query("select 1 as one")).rows).toEqual([{ one: 1 }]);

    await db.stop();
    const started = Date.now();
    const down = await list();
    expect(down.status).toBe(503);
    expect(down.headers.get("content-type")).toContain("application/problem+json");
    expect(down.headers.get("retry-after")).toBe("5");
    expect(await down.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503 });
    expect(Date.now() - started).toBeLessThan(env.DB_CONNECT_TIMEOUT_MS + 3000);
    const raw = await pool().query("select 1").then(() => null, (e: unknown) => e);
    expect(isDbUnavailable(raw)).toBe(true);

    db = await startEmbeddedPostgres(dir, () => {}, { port });
    // The same pools, no restart of ours: the first queries after the outage succeed.
    expect((await pool().query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    const back = await list();
    expect(back.status).toBe(200);
    expect(((await back.json()) as { users: { username: string }[] }).users.map((u) => u.username)).toEqual(["restart-admin"]);
  }, 120_000);
});
