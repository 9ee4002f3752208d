import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { env } from "../../env.js";
import { pool } from "../../db/client";
import { pgTx } from "../../db/pg-tx";
import { createUser } from "../../../test/fixtures";
import type { TActor } from "../actor";
import { createEmbeddedLedger } from "./embedded-ledger";
import { getFeesOverview } from "./get-fees-overview";
import { bureauAccount, TKY } from "./ledger-accounts";
import { queueFeeSettlement } from "./queue-fee-settlement";
import { requeueSettlement } from "./requeue-settlement";
import { settleDueFees } from "./settle-due-fees";
import { topUpBureauAccount, ZTopUp } from "./top-up-bureau-account";

// A supervisor's top-up of a bureau's account and requeue of a failed settlement. Province 90 is
// not Guizhou's, so nothing here moves bureau:52 under another file's feet.
const PROV = "90";

async function supervisorOf(regions: string[]): Promise<TActor> {
  const u = await createUser("supervisor", ["52"]);
  return { ...u.actor, regions };
}
const balance = async (code: string) => BigInt((await pool().query<{ b: string }>(`select balance::text as b from ledger_accounts where code = $1`, [code])).rows[0]?.b ?? "0");

describe("top-up from /fees", () => {
  it("transfers from the funding account to the bureau, audited; a replayed key moves nothing; scope and amount are checked", async () => {
    const sup = await supervisorOf([PROV]);
    const key = randomUUID();
    const r = await topUpBureauAccount(sup, { province: PROV, amount: "12.5", key });
    expect(r).toMatchObject({ replayed: false, amount: (1_250_000_000n).toString() });
    const bureau = await balance(bureauAccount(PROV));
    expect(bureau).toBe(1_250_000_000n);
    const issuer = await balance(env.LEDGER_ISSUER_ACCOUNT);

    const t = await pool().query(`select kind, body from ledger_transfers where idempotency_key = $1`, [`top-up:${key}`]);
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0].kind).toBe("funding");
    const ev = await pool().query(`select actor_id, action, region_code, summary from audit_events where action = 'ledger.funded' and target_id = $1 order by id desc limit 1`, [bureauAccount(PROV)]);
    expect(ev.rows[0]).toMatchObject({ actor_id: sup.userId, region_code: PROV, summary: { amount: "1250000000", ledgerRef: r.ref } });

    expect(await topUpBureauAccount(sup, { province: PROV, amount: "12.5", key })).toMatchObject({ replayed: true, ref: r.ref });
    expect(await balance(bureauAccount(PROV))).toBe(bureau);
    expect(await balance(env.LEDGER_ISSUER_ACCOUNT)).toBe(issuer);

    const city = await supervisorOf(["5201"]);
    await expect(topUpBureauAccount(city, { province: "52", amount: "1", key: randomUUID() })).rejects.toMatchObject({ code: "FORBIDDEN", fieldErrors: [{ path: "body.province" }] });
    await expect(topUpBureauAccount(sup, { province: PROV, amount: "0", key: randomUUID() })).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: [{ path: "body.amount" }] });
    for (const amount of ["-1", "1.123456789", "abc", "1e5", "1000000000"]) {
      const p = ZTopUp.safeParse({ province: PROV, amount, key: randomUUID() });
      expect(p.success ? "parsed" : p.error.issues[0]!.path.join("."), amount).toBe("amount");
    }
    await expect(topUpBureauAccount(sup, { province: PROV, amount: "100000001", key: randomUUID() })).rejects.toMatchObject({ code: "VALIDATION" });
  });
});

describe("requeue of a failed settlement", () => {
  it("lists it, requeues it once (audited, scoped), and the worker then settles it", async () => {
    const sup = await supervisorOf([PROV]);
    await topUpBureauAccount(sup, { province: PROV, amount: "100", key: randomUUID() });
    const feeId = randomUUID();
    const s = await pgTx(async (c) => {
      await c.query(
        `insert into fee_records (id, kind, period, region_code, count, amount, platform_share, provider_share, schedule_version, bdmi_call_id)
         values ($1, 'liveness', '2026-06', $2, 1, $3, $4, $5, 'v1', 'call')`,
        [feeId, `${PROV}0101`, (3n * TKY).toString(), (2n * TKY).toString(), TKY.toString()],
      );
      return (await queueFeeSettlement(c, { key: `fee-check:${randomUUID()}`, kind: "fee-check", feeFilter: { feeIds: [feeId] } }))!;
    });
    // As the loop marks a ledger refusal (a 409 or bad input).
    await pool().query(`update settlements set state = 'failed', last_error = 'ledger said no', attempts = 3, next_attempt_at = now() + interval '1 day' where id = $1`, [s.id]);
    const before = await getFeesOverview(sup, {});
    expect(before.failedSettlements.map((f) => f.id)).toContain(s.id);
    expect(before.failedSettlements.find((f) => f.id === s.id)).toMatchObject({ lastError: "ledger said no", amount: (3n * TKY).toString(), kind: "fee-check" });
    expect((await getFeesOverview(await supervisorOf(["52"]), {})).failedSettlements.map((f) => f.id)).not.toContain(s.id);

    await expect(requeueSettlement(await supervisorOf(["52"]), s.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await requeueSettlement(sup, s.id)).toEqual({ id: s.id, state: "queued" });
    await expect(requeueSettlement(sup, s.id)).rejects.toMatchObject({ code: "CONFLICT" });
    const ev = await pool().query(`select actor_id, region_code, summary from audit_events where action = 'settlement.requeued' and target_id = $1`, [s.id]);
    expect(ev.rows).toEqual([{ actor_id: sup.userId, region_code: `${PROV}0101`, summary: expect.objectContaining({ error: "ledger said no", attempts: 3, amount: (3n * TKY).toString() }) }]);
    expect((await getFeesOverview(sup, {})).failedSettlements.map((f) => f.id)).not.toContain(s.id);

    const adapter = createEmbeddedLedger();
    for (let i = 0; i < 10; i++) {
      await settleDueFees({ workerId: "test", adapter, batchSize: 1000, leaseSeconds: 30, maxBackoffSeconds: 1 });
      const st = await pool().query<{ state: string }>(`select state::text from settlements where id = $1`, [s.id]);
      if (st.rows[0]!.state === "final") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const f = await pool().query(`select s.state::text, f.settled_at is not null as settled from settlements s join fee_records f on f.settlement_id = s.id where s.id = $1`, [s.id]);
    expect(f.rows).toEqual([{ state: "final", settled: true }]);
  });
});
