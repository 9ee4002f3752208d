import { expect, signIn, test } from "./fixtures";

test.describe("sign-in and the three front doors", () => {
  test("an officer lands on her region's roll", async ({ page, users }) => {
    const u = await users.create("officer", ["5201"]);
    await signIn(page, u);
    await expect(page).toHaveURL(/\/roll$/);
    await expect(page.getByRole("heading", { name: "人员名册" })).toBeVisible();
    await expect(page.getByTestId("whoami")).toContainText("经办人员");
    await expect(page.locator("tbody tr").first()).toContainText("5201**********");
  });

  test("a supervisor lands on the dashboard, which shows her province's cities", async ({ page, users }) => {
    const u = await users.create("supervisor", ["52"]);
    await signIn(page, u);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("heading", { name: "监管看板" })).toBeVisible();
    // The worker builds the rollups the page reads; the cities of 52 appear once it has.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("rowheader", { name: "遵义市" }).first()).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 60_000 });
  });

  test("an admin lands on user management and can disable an account at once", async ({ browser, page, users }) => {
    const admin = await users.create("admin", ["52"]);
    const officer = await users.create("officer", ["5201"]);
    const officerCtx = await browser.newContext();
    const officerPage = await officerCtx.newPage();
    await signIn(officerPage, officer);

    await signIn(page, admin);
    await expect(page).toHaveURL(/\/users$/);
    const row = page.getByRole("row").filter({ hasText: officer.username });
    await row.getByRole("button", { name: "停用" }).click();
    await expect(row).toContainText("已停用");

    // The officer's open session is gone on her very next request.
    await officerPage.goto("/roll");
    await expect(officerPage).toHaveURL(/\/sign-in/);
    await officerCtx.close();
  });

  test("a wrong password is refused with a clear message", async ({ page, users }) => {
    const u = await users.create("officer");
    await page.goto("/sign-in");
    await page.getByLabel("用户名").fill(u.username);
    await page.getByLabel("密码").fill("not-the-password");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("用户名或密码不正确。");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("signing out ends the session", async ({ page, users }) => {
    const u = await users.create("officer");
    await signIn(page, u);
    await page.getByRole("button", { name: "退出登录" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/roll");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("an officer cannot open the supervisor dashboard or its API", async ({ page, users }) => {
    await signIn(page, await users.create("officer"));
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/forbidden/);
    const res = await page.request.get("/api/v1/dashboard");
    expect(res.status()).toBe(403);
    expect(res.headers()["content-type"]).toContain("application/problem+json");
  });

  test("the kiosk refuses a browser without a device token", async ({ page }) => {
    await page.goto("/kiosk");
    await expect(page.getByTestId("kiosk-refused")).toContainText("仅供已登记的自助终端使用");
    await page.context().addCookies([{ name: "kiosk_device_token", value: "x".repeat(40), url: page.url() }]);
    await page.reload();
    await expect(page.getByTestId("kiosk-refused")).toBeVisible();
  });

  test("the language switches to English and back", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { name: "Staff sign-in" })).toBeVisible();
    await page.getByRole("button", { name: "中文" }).click();
    await expect(page.getByRole("heading", { name: "工作人员登录" })).toBeVisible();
  });
});
