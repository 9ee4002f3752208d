import { randomUUID } from "node:crypto";
import { pool } from "../lib/db/client";
import { pgTx } from "../lib/db/pg-tx";
import { currentPeriod } from "../lib/domain/period";
import { queueFeeSettlement } from "../lib/server/ledger/queue-fee-settlement";
import { demoHistoryDone, expect, signIn, test } from "./fixtures";

const tky = (s: string) => Number(s.replace(/TKY/, "").replace(/,/g, "").trim());

test.describe("TKY fees", () => {
  test("a supervisor sees the bureau's balance and the demo's fees by period, settled through the ledger", async ({ page, users }) => {
    test.setTimeout(240_000);
    await signIn(page, await users.create("supervisor", ["52"]));
    await page.getByRole("link", { name: "TKY 费用" }).click();
    await expect(page.getByRole("heading", { name: "TKY 费用与结算" })).toBeVisible();
    const card = page.getByTestId("bureau-balance");
    await expect(card).toContainText("bureau:52");

    // The demo's past runs charge fees; the worker settles them from the funded bureau account. The
    // page refreshes itself, so it reaches the state where nothing is left unsettled.
    await expect(page.getByTestId("fee-row").first()).toBeVisible({ timeout: 180_000 });
    await expect(page.getByTestId("unsettled-count")).toHaveText("0 条费用记录待结算", { timeout: 180_000 });
    await expect(card).toHaveAttribute("data-warning", "ok");
    await expect(page.getByTestId("balance-warning")).toHaveText("余额充足");

    // The books add up: the seed's 1,000,000 TKY less every fee settled is the balance (less the
    // audit log's checkpoint anchors, 1 base unit each, which the bureau also pays).
    const rows = page.getByTestId("fee-row");
    let settled = 0;
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const cells = row.locator("td");
      // td: period, verifications, fees, settled, unsettled (the region is the row's th)
      expect(tky(await cells.nth(4).innerText())).toBe(0);
      settled += tky(await cells.nth(3).innerText());
    }
    expect(settled).toBeGreaterThan(0);
    const anchors = 1_000_000 - settled - tky(await page.getByTestId("balance-amount").innerText());
    expect(anchors).toBeGreaterThanOrEqual(0);
    expect(anchors).toBeLessThan(0.001);
  });

  test("a supervisor tops up the bureau's account and requeues a failed settlement, each after a confirmation", async ({ page, users }) => {
    test.setTimeout(240_000);
    await demoHistoryDone();
    const sup = await users.create("supervisor", ["52"]);
    await signIn(page, sup);
    await page.goto("/fees");
    const card = page.getByTestId("bureau-balance");
    // Settle the demo's fees first, so the balance moves only by the top-up (and 1-unit audit anchors).
    await expect(page.getByTestId("unsettled-count")).toHaveText("0 条费用记录待结算", { timeout: 180_000 });
    const before = tky(await card.getByTestId("balance-amount").innerText());

    await card.getByRole("button", { name: "充值" }).click();
    const form = card.getByRole("form", { name: "充值" });
    await form.getByLabel("金额（TKY）").fill("0");
    await form.getByRole("button", { name: "核对" }).click();
    await card.getByRole("button", { name: "确认转账" }).click();
    await expect(card.getByRole("alert").filter({ hasText: "body.amount" })).toBeVisible();

    await form.getByLabel("金额（TKY）").fill("250.5");
    await form.getByRole("button", { name: "核对" }).click();
    const confirm = card.getByRole("group", { name: "确认充值" });
    await expect(confirm).toContainText("从资金账户向 bureau:52 转入 250.5 TKY");
    await confirm.getByRole("button", { name: "返回" }).click();
    await form.getByRole("button", { name: "核对" }).click();
    await confirm.getByRole("button", { name: "确认转账" }).click();
    await expect(card.getByRole("status")).toHaveText("已向 bureau:52 转入 250.5 TKY。");
    await expect.poll(async () => tky(await card.getByTestId("balance-amount").innerText())).toBeGreaterThan(before + 250.4);
    const after = tky(await card.getByTestId("balance-amount").innerText());
    expect(after).toBeLessThanOrEqual(before + 250.5);
    const funded = await pool().query(`select summary from audit_events where action = 'ledger.funded' and actor_id = $1`, [sup.id]);
    expect(funded.rows.map((r) => r.summary.amount)).toEqual(["25050000000"]);

    // A settlement the ledger refused, as the worker leaves one.
    const feeId = randomUUID();
    const key = `fee-check:${randomUUID()}`;
    const s = await pgTx(async (c) => {
      await c.query(
        `insert into fee_records (id, kind, period, region_code, count, amount, platform_share, provider_share, schedule_version, bdmi_call_id)
         values ($1, 'liveness', $2, '520111', 1, 300000000, 200000000, 100000000, 'v1', 'e2e')`,
        [feeId, currentPeriod()],
      );
      return (await queueFeeSettlement(c, { key, kind: "fee-check", feeFilter: { feeIds: [feeId] } }))!;
    });
    await pool().query(`update settlements set state = 'failed', last_error = 'e2e: refused by the ledger', next_attempt_at = now() + interval '1 day' where id = $1`, [s.id]);
    await page.reload();
    const row = page.getByTestId("failed-settlement").filter({ hasText: key });
    await expect(row).toContainText("e2e: refused by the ledger");
    await expect(row).toContainText("3 TKY");
    await row.getByRole("button", { name: "重新排队" }).click();
    await row.getByRole("button", { name: "返回" }).click();
    await row.getByRole("button", { name: "重新排队" }).click();
    await row.getByRole("group", { name: "将此结算重新提交到账本？" }).getByRole("button", { name: "确认重新排队" }).click();
    await expect(page.getByRole("status").filter({ hasText: "已重新排队" })).toContainText(key);
    await expect(row).toHaveCount(0);
    const ev = await pool().query(`select summary from audit_events where action = 'settlement.requeued' and target_id = $1 and actor_id = $2`, [s.id, sup.id]);
    expect(ev.rows[0]?.summary).toMatchObject({ key, error: "e2e: refused by the ledger" });
    // The worker submits it again and it settles.
    await expect.poll(async () => (await pool().query(`select state::text from settlements where id = $1`, [s.id])).rows[0].state, { timeout: 30_000 }).toBe("final");
  });

  test("an officer has no fees page and the API refuses them", async ({ page, users }) => {
    await signIn(page, await users.create("officer", ["5201"]));
    await expect(page.getByRole("link", { name: "TKY 费用" })).toHaveCount(0);
    const res = await page.request.get("/api/v1/ledger/fees");
    expect(res.status()).toBe(403);
    expect(res.headers()["content-type"]).toContain("application/problem+json");
  });
});
