import { expect, signIn, test } from "./fixtures";

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

  test("an officer has no fees page and the API refuses them", async ({ page, users }) => {
    await signIn(page, await users.create("officer", ["5201"]));
    await expect(page.getByRole("link", { name: "TKY 费用" })).toHaveCount(0);
    const res = await page.request.get("/api/v1/ledger/fees");
    expect(res.status()).toBe(403);
    expect(res.headers()["content-type"]).toContain("application/problem+json");
  });
});
