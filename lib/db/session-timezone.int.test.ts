import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createUser } from "../../test/fixtures";
import { pool, prisma, streamPool } from "./client";

// The suite's database defaults to Asia/Shanghai (test/global-setup.ts). Prisma's pg adapter writes
// a timestamptz without its offset (prisma/orm#26786), so under that zone a Prisma write would be
// stored eight hours off and disagree with every raw-SQL reader; every pool of ours runs its
// sessions in UTC (SESSION_OPTIONS) so the two agree whatever the server's setting.

const plain = new pg.Client({ connectionString: inject("databaseUrl") });
afterAll(() => plain.end());

describe("sessions in UTC on a server that is not", () => {
  it("the database's own default is not UTC (what this test guards against is there)", async () => {
    await plain.connect();
    expect((await plain.query("show timezone")).rows[0].TimeZone).toBe("Asia/Shanghai");
  });

  it("runs the app's pool, stream pool and Prisma sessions in UTC", async () => {
    expect((await pool().query("show timezone")).rows[0].TimeZone).toBe("UTC");
    expect((await streamPool().query("show timezone")).rows[0].TimeZone).toBe("UTC");
    expect(await prisma().$queryRaw<{ tz: string }[]>`select current_setting('TimeZone') as tz`).toEqual([{ tz: "UTC" }]);
  });

  it("stores the instant Prisma was given, as a reader in any zone sees it", async () => {
    const u = await createUser("officer", ["5201"]);
    const at = new Date("2026-03-04T05:06:07.089Z");
    const s = await prisma().session.create({ data: { userId: u.id, expiresAt: at }, select: { id: true } });
    // Epoch seconds do not depend on the reading session's zone; the plain client's is Shanghai's.
    const { rows } = await plain.query("select extract(epoch from expires_at)::float8 * 1000 as ms, expires_at::text as text from sessions where id = $1", [s.id]);
    expect(rows[0]).toEqual({ ms: at.getTime(), text: "2026-03-04 13:06:07.089+08" });
    expect((await prisma().session.findUniqueOrThrow({ where: { id: s.id } })).expiresAt).toEqual(at);
    expect((await pool().query("select expires_at from sessions where id = $1", [s.id])).rows[0].expires_at).toEqual(at);
  });
});
