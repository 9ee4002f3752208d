import { pool } from "../lib/db/client";
import { addMonths, currentPeriod } from "../lib/domain/period";
import { nextRunTime } from "../lib/domain/run-schedule";
import { demoHistoryDone, expect, signIn, test } from "./fixtures";

const beijing = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");

test.describe("monthly runs", () => {
  test("an officer starts the month's run for a county, watches it finish, and sees the result on a pensioner", async ({ page, users, pensioners }) => {
    // Months run in order: a county's run of this month must not overtake the demo's past months.
    await demoHistoryDone();
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

  test("an officer sets up a recurring monthly run, edits it and cancels it; a month before a completed one is refused", async ({ page, users }) => {
    await demoHistoryDone();
    await signIn(page, await users.create("officer", ["5201"]));
    await page.goto("/runs");
    const panel = page.getByRole("region", { name: "定期计划" });
    const form = panel.getByRole("form", { name: "添加定期计划" });
    await form.getByLabel("核验范围").selectOption("520112");
    await form.getByLabel("每月日期").fill("5");
    await form.getByLabel("时间（北京）").fill("09:30");
    await form.getByRole("button", { name: "添加定期计划" }).click();
    await expect(panel.getByRole("status")).toHaveText("已添加定期计划。");
    const row = panel.getByTestId("schedule-row").filter({ hasText: "520112" });
    await expect(row.getByTestId("schedule-when")).toHaveText("每月 5 日 09:30");
    await expect(row.getByTestId("schedule-next")).toHaveText(`${beijing(nextRunTime(5, 9 * 60 + 30, new Date()))}（北京时间）`);

    // The same regions cannot have two schedules: the server's refusal is shown with its field.
    await form.getByLabel("核验范围").selectOption("520112");
    await form.getByRole("button", { name: "添加定期计划" }).click();
    await expect(panel.getByRole("alert")).toContainText("body.regionCodes");
    await expect(panel.getByRole("alert")).toContainText("已有定期计划");

    // Edit: the next run moves with it.
    await row.getByRole("button", { name: "编辑" }).click();
    const edit = row.getByRole("form", { name: "编辑" });
    await edit.getByLabel("每月日期").fill("28");
    await edit.getByLabel("时间（北京）").fill("07:15");
    await edit.getByRole("button", { name: "保存" }).click();
    await expect(panel.getByRole("status")).toHaveText("已保存定期计划。");
    await expect(row.getByTestId("schedule-when")).toHaveText("每月 28 日 07:15");
    await expect(row.getByTestId("schedule-next")).toHaveText(`${beijing(nextRunTime(28, 7 * 60 + 15, new Date()))}（北京时间）`);

    // Cancel asks first; keeping it changes nothing, confirming removes it.
    await row.getByRole("button", { name: "取消计划" }).click();
    await row.getByRole("button", { name: "保留" }).click();
    await expect(row).toBeVisible();
    await row.getByRole("button", { name: "取消计划" }).click();
    await row.getByRole("button", { name: "确定取消" }).click();
    await expect(panel.getByRole("status")).toHaveText("已取消定期计划。");
    await expect(row).toHaveCount(0);

    // The demo's history completed last month for the whole province: an earlier month is refused.
    const before = addMonths(currentPeriod(), -2);
    await page.getByLabel("月份").fill(before);
    await page.getByRole("form", { name: "开始核验" }).getByLabel("地区").selectOption("520112");
    await page.getByRole("button", { name: "开始核验" }).click();
    const alert = page.getByRole("form", { name: "开始核验" }).getByRole("alert");
    await expect(alert).toContainText("body.period");
    await expect(alert).toContainText(/早于这些地区已完成核验的 \d{4}-\d{2}/);
    await expect(page).toHaveURL(/\/runs$/);
  });

  test("the worker starts a schedule's run when its time comes", async ({ page, users }) => {
    test.setTimeout(120_000);
    await demoHistoryDone();
    await signIn(page, await users.create("officer", ["5201"]));
    await page.goto("/runs");
    const panel = page.getByRole("region", { name: "定期计划" });
    const form = panel.getByRole("form", { name: "添加定期计划" });
    await form.getByLabel("核验范围").selectOption("520113");
    await form.getByLabel("每月日期").fill("1");
    await form.getByLabel("时间（北京）").fill("00:00");
    await form.getByRole("button", { name: "添加定期计划" }).click();
    await expect(panel.getByRole("status")).toHaveText("已添加定期计划。");

    // As if the month had turned a minute ago: the worker's clock (every 20 s) fires it.
    await pool().query(`update run_schedules set next_run_at = now() - interval '1 minute' where region_codes = '{520113}' and cancelled_at is null`);
    const row = panel.getByTestId("schedule-row").filter({ hasText: "520113" });
    const period = currentPeriod();
    await expect(async () => {
      await page.reload();
      await expect(row.getByRole("link", { name: period })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 60_000, intervals: [2_000] });
    await expect(row.getByTestId("schedule-next")).toHaveText(`${beijing(nextRunTime(1, 0, new Date()))}（北京时间）`);
    await row.getByRole("link", { name: period }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("run-state")).toHaveText("已完成", { timeout: 60_000 });
    const fired = await pool().query(`select summary from audit_events where action = 'run_schedule.fired' and summary->>'period' = $1 and summary->>'runId' = $2`, [period, page.url().split("/").pop()]);
    expect(fired.rows).toHaveLength(1);
  });
});
