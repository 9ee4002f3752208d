import { expect, signIn, test } from "./fixtures";

test.describe("monthly runs", () => {
  test("an officer starts the month's run for a county, watches it finish, and sees the result on a pensioner", async ({ page, users, pensioners }) => {
    const p = await pensioners.create("520111");
    await signIn(page, await users.create("officer", ["5201"]));
    await page.getByRole("link", { name: "月度核验" }).click();
    await expect(page.getByRole("heading", { name: "月度生存核验" })).toBeVisible();

    await page.getByLabel("地区").selectOption("520111");
    await page.getByRole("button", { name: "开始核验" }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    const runUrl = page.url();
    await expect(page.getByTestId("run-state")).toHaveText("已完成", { timeout: 30_000 });

    // The summary adds up: every pensioner assessed is counted under one status, and charged 3 TKY.
    const progress = await page.getByTestId("run-progress").innerText();
    const [done, total] = progress.split("/").map((s) => Number(s.replace(/\(.*\)/, "").replace(/\D/g, ""))) as [number, number];
    expect(done).toBe(total);
    expect(total).toBeGreaterThan(0);
    let sum = 0;
    for (const s of ["alive", "suspected", "deceased", "sentenced"]) sum += Number((await page.getByTestId(`outcome-${s}`).innerText()).replace(/\D/g, ""));
    expect(sum).toBe(done);
    await expect(page.getByTestId("run-fee")).toHaveText(`${done * 3} TKY`);

    // Starting the same run again joins it rather than assessing anyone twice.
    await page.getByRole("link", { name: /全部核验/ }).click();
    await page.getByLabel("地区").selectOption("520111");
    await page.getByRole("button", { name: "开始核验" }).click();
    await expect(page).toHaveURL(`${runUrl}?joined=1`);
    await expect(page.getByText("该核验已存在，正在显示。")).toBeVisible();
    await expect(page.getByTestId("run-progress")).toContainText(`${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")}`);

    await page.goto(`/roll/${p.id}`);
    await expect(page.getByTestId("status-history").locator("tbody tr").first()).toContainText(/在世|疑似/);
  });

  test("the API refuses a run outside the officer's regions with a field path", async ({ page, users }) => {
    await signIn(page, await users.create("officer", ["5201"]));
    const period = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const res = await page.request.post("/api/v1/runs", { data: { period, regionCodes: ["520302"] } });
    expect(res.status()).toBe(403);
    expect(res.headers()["content-type"]).toContain("application/problem+json");
    const body = await res.json();
    expect(body.errors[0].path).toBe("body.regionCodes.0");
    const bad = await page.request.post("/api/v1/runs", { data: { period: "2026-13", regionCodes: [] } });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).errors[0].path).toBe("body.period");
  });

  test("a supervisor sees the demo's past runs with their outcomes", async ({ page, users }) => {
    await signIn(page, await users.create("supervisor", ["52"]));
    await page.goto("/runs");
    await expect(page.getByTestId("run-row").filter({ hasText: "已完成" }).first()).toBeVisible({ timeout: 30_000 });
  });
});
