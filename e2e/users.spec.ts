import { request as playwrightRequest, type Page } from "@playwright/test";
import { prisma } from "../lib/db/client";
import { expect, nextTotpCode, signIn, submitSignIn, test } from "./fixtures";

async function typeCode(page: Page, code: string) {
  await page.getByLabel("验证码").fill(code);
  await page.getByRole("button", { name: "登录" }).click();
}
async function signOut(page: Page) {
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/sign-in/);
}
/** Enrols an authenticator from the page in front of it; returns the secret and the recovery codes shown. The code is spent like a sign-in's. */
async function enrolTotp(page: Page, startLabel: string, login: string) {
  await page.getByRole("button", { name: startLabel }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await page.getByLabel("应用显示的 6 位验证码").fill(await nextTotpCode(login, secret));
  await page.getByRole("button", { name: "确认" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  const codes = (await page.getByTestId("recovery-codes").locator("li").allTextContents()).map((c) => c.trim());
  await page.getByRole("button", { name: "我已保存" }).click();
  return { secret, codes };
}

test.describe("staff accounts", () => {
  test("an admin creates a county officer, who sets her password, enrols TOTP and signs in with codes once each", async ({ page, browser, users }) => {
    const admin = await users.create("admin", ["52"]);
    await signIn(page, admin);
    await expect(page).toHaveURL(/\/users$/);
    const email = `li.na.${Date.now()}@hrss.example`;
    // The list is fetched by the page's script: once a row shows, the page is live.
    await expect(page.getByRole("row").filter({ hasText: admin.username })).toBeVisible();
    await page.getByRole("button", { name: "创建账号" }).click();
    const form = page.getByRole("form", { name: "新建工作人员账号" });
    await form.getByLabel("姓名").fill("李娜");
    await form.getByLabel("电子邮箱").fill(email);
    await form.getByLabel("角色").selectOption("officer");
    await form.getByLabel("管辖区划").selectOption(["520102"]);
    await form.getByRole("button", { name: "创建账号" }).click();
    const oneTime = (await page.getByTestId("one-time-password").textContent())!.trim();
    expect(oneTime).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await expect(page.getByRole("row").filter({ hasText: email })).toContainText("待设置密码");

    const ctx = await browser.newContext();
    const officer = await ctx.newPage();
    try {
      // The one-time password signs her in to the set-up page only, until she picks her own.
      await submitSignIn(officer, email, oneTime);
      await expect(officer).toHaveURL(/\/setup$/);
      await officer.goto("/roll");
      await expect(officer).toHaveURL(/\/setup$/);
      expect((await officer.request.get("/api/v1/pensioners")).status()).toBe(403);
      await officer.getByLabel("当前密码").fill(oneTime);
      await officer.getByLabel("新密码", { exact: true }).fill("password123456");
      await officer.getByLabel("再次输入新密码").fill("password123456");
      await officer.getByRole("button", { name: "修改密码" }).click();
      await expect(officer.getByRole("alert").filter({ hasText: /\S/ })).toContainText("过于常见");
      const mine = "the kettle on the county stove";
      await officer.getByLabel("新密码", { exact: true }).fill(mine);
      await officer.getByLabel("再次输入新密码").fill(mine);
      await officer.getByRole("button", { name: "修改密码" }).click();
      await expect(officer).toHaveURL(/\/roll$/);

      // Officers may add a second factor (required for them only by configuration).
      await officer.goto("/account");
      await expect(officer.getByTestId("own-sessions").locator("tbody tr")).toHaveCount(1);
      const { secret, codes } = await enrolTotp(officer, "设置身份验证器应用", email);
      await expect(officer.getByText("已设置身份验证器应用。")).toBeVisible();
      await signOut(officer);

      await submitSignIn(officer, email, mine);
      const code = await nextTotpCode(email, secret);
      await typeCode(officer, code);
      await expect(officer).toHaveURL(/\/roll$/);
      await signOut(officer);

      // The same code again is refused, even with the right password.
      await submitSignIn(officer, email, mine);
      await typeCode(officer, code);
      await expect(officer.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("验证码不正确，或已使用过。");
      // A recovery code works, once.
      await typeCode(officer, codes[0]!);
      await expect(officer).toHaveURL(/\/roll$/);
      await signOut(officer);
      await submitSignIn(officer, email, mine);
      await typeCode(officer, codes[0]!);
      await expect(officer.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("验证码不正确，或已使用过。");
    } finally {
      await ctx.close();
    }
  });

  test("a supervisor without a second factor enrols before any page", async ({ page, users }) => {
    const sup = await users.create("supervisor", ["52"]);
    await prisma().user.update({ where: { id: sup.id }, data: { totpSecretCipher: null, totpKeyVersion: null, totpEnabledAt: null } });
    await signIn(page, { username: sup.username, password: sup.password });
    await expect(page).toHaveURL(/\/setup$/);
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/setup$/);
    const api = await page.request.get("/api/v1/dashboard");
    expect(api.status()).toBe(403);
    expect(await api.json()).toMatchObject({ code: "SETUP_REQUIRED", title: "请先完成账号设置" });
    await enrolTotp(page, "设置身份验证器应用", sup.username);
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test("the owner signs in while her account is attacked from many addresses, and sees the attempts", async ({ page, users, baseURL }) => {
    const u = await users.create("officer", ["5201"]);
    const attacker = await playwrightRequest.newContext({ baseURL });
    try {
      for (let i = 0; i < 12; i++) {
        const headers = { "x-forwarded-for": `203.0.113.${i + 1}` };
        const { csrfToken } = (await (await attacker.get("/api/auth/csrf", { headers })).json()) as { csrfToken: string };
        const r = await attacker.post("/api/auth/callback/credentials", { headers, form: { csrfToken, username: u.username, password: `guess-${i}`, code: "" }, maxRedirects: 0 });
        expect(r.status()).toBeLessThan(500);
      }
    } finally {
      await attacker.dispose();
    }
    expect(await prisma().signInFailure.count({ where: { key: `account:${u.username}`, ip: { startsWith: "203.0.113." } } })).toBe(12);
    // Twelve failures would have locked the account for everyone before; the owner's clean address still gets in.
    await signIn(page, u);
    await expect(page).toHaveURL(/\/roll$/);
    await page.goto("/account");
    await expect(page.getByTestId("failures-since")).toContainText("12");
    await expect(page.getByTestId("own-failures").locator("tbody tr")).toHaveCount(12);
    await expect(page.getByTestId("own-failures")).toContainText("203.0.113.7");
  });

  test("an admin signs a user out everywhere and edits a role", async ({ page, browser, users }) => {
    const admin = await users.create("admin", ["52"]);
    const officer = await users.create("officer", ["5201"]);
    const ctx = await browser.newContext();
    const other = await ctx.newPage();
    await signIn(other, officer);
    await signIn(page, admin);
    const row = page.getByRole("row").filter({ hasText: officer.username });
    await row.getByRole("button", { name: "全部退出登录" }).click();
    await expect(page.getByRole("status")).toContainText("已结束 1 个会话");
    await other.goto("/roll");
    await expect(other).toHaveURL(/sign-in/);
    await ctx.close();

    await row.getByRole("button", { name: "编辑" }).click();
    const edit = page.getByRole("form", { name: `编辑 ${officer.username}` });
    await edit.getByLabel("角色").selectOption("supervisor");
    await edit.getByRole("button", { name: "保存" }).click();
    await expect(page.getByRole("row").filter({ hasText: officer.username })).toContainText("监管人员");
  });
});
