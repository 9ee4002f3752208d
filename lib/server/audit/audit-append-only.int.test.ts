import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../db/client";

describe("audit_events is append-only in SQL", () => {
  let id: string;
  beforeAll(async () => {
    const r = await pool().query<{ id: string }>(
      `insert into audit_events (actor_role, action, target_type, summary) values ('system', 'test.event', 'test', '{}') returning id::text`,
    );
    id = r.rows[0]!.id;
  });

  it("accepts inserts", async () => {
    const r = await pool().query(`select action from audit_events where id = $1`, [id]);
    expect(r.rows[0]).toEqual({ action: "test.event" });
  });
  it("rejects UPDATE", async () => {
    await expect(pool().query(`update audit_events set action = 'forged' where id = $1`, [id])).rejects.toThrow(/append-only/);
  });
  it("rejects DELETE", async () => {
    await expect(pool().query(`delete from audit_events where id = $1`, [id])).rejects.toThrow(/append-only/);
  });
  it("rejects TRUNCATE", async () => {
    await expect(pool().query(`truncate audit_events`)).rejects.toThrow(/append-only/);
    const r = await pool().query(`select count(*)::int as n from audit_events where id = $1`, [id]);
    expect(r.rows[0].n).toBe(1);
  });
});
