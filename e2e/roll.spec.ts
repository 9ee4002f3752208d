import { randomBytes } from "node:crypto";
import { prisma } from "../lib/db/client";
import { expect, signIn, test } from "./fixtures";

test.describe("the officer's roll", () => {
  test("search by name, by the last four of the ID and by the exact ID", async ({ page, users, pensioners }) => {
    const p = await pensioners.create("520102", { name: `搜索${Date.now() % 100000}` });
    await signIn(page, await users.create("officer", ["5201"]));
    const search = page.getByRole("searchbox").or(page.getByLabel("搜索"));
    for (const q of [p.name, p.nationalId.toLowerCase()]) {
      await search.fill(q);
      await page.getByRole("button", { name: "搜索" }).click();
      await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(q)}`));
      await expect(page.locator("tbody tr")).toHaveCount(1);
      await expect(page.locator("tbody tr")).toContainText(p.name);
    }
    await search.fill(p.nationalId.slice(14));
    await page.getByRole("button", { name: "搜索" }).click();
    await expect(page.locator("tbody tr").filter({ hasText: p.name })).toHaveCount(1);
  });

  test("paginates on the server and filters by region and status", async ({ page, users }) => {
    await signIn(page, await users.create("officer", ["5201"]));
    const total = Number((await page.getByTestId("roll-total").innerText()).replace(/\D/g, ""));
    expect(total).toBeGreaterThan(25);
    await expect(page.locator("tbody tr")).toHaveCount(25);
    const first = await page.locator("tbody tr").first().innerText();
    await page.getByRole("button", { name: "下一页" }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByText(/第 2 \/ \d+ 页/)).toBeVisible();
    await expect(page.locator("tbody tr").first()).not.toHaveText(first);

    await page.getByLabel("行政区划").selectOption("520102");
    await expect(page).toHaveURL(/region=520102/);
    await expect(page.locator("tbody tr").first()).toContainText("南明区");
    await page.getByLabel("支付状态").selectOption("suspended");
    await expect(page.locator("tbody tr").first()).toContainText("暂停发放");
  });

  test("a roll of more than 10,000 shows its total as 10,000+ in both languages and still pages on", async ({ page, users }) => {
    // A county of its own for this test: 10,005 rows more than any other test sees, removed after it.
    const county = "522731";
    const tag = `e2e-cap-${randomBytes(4).toString("hex")}-`;
    await prisma().$executeRawUnsafe(
      `insert into pensioners (id, id_cipher, id_hmac, id_key_version, id_prefix, id_suffix, name, sex, birth_date, region_code, address, phone, scheme, monthly_pension_fen, payment_status, enrolled_on)
       select gen_random_uuid(), '\\x00', sha256(($2 || i)::bytea), 1, '5227', lpad((i % 10000)::text, 4, '0'), '黎' || i, 'male', '1950-01-01', $1, 'x', '', 'enterprise', 1, 'active', '2000-01-01'
       from generate_series(1, 10005) i`,
      county,
      tag,
    );
    try {
      await signIn(page, await users.create("officer", [county]));
      await page.goto("/roll");
      await expect(page.getByTestId("roll-total")).toHaveText("共 10,000+ 人");
      await expect(page.getByTestId("roll-page")).toHaveText("第 1 / 400+ 页");
      await expect(page.getByRole("button", { name: "下一页" })).toBeEnabled();
      // Past the last page the capped total promises, the roll goes on; on its real last page, "next" is off.
      await page.goto("/roll?page=401");
      await expect(page.getByTestId("roll-page")).toHaveText("第 401 / 401+ 页");
      await expect(page.locator("tbody tr")).toHaveCount(25);
      const last = Math.ceil((await prisma().pensioner.count({ where: { regionCode: county } })) / 25);
      await page.goto(`/roll?page=${last}`);
      await expect(page.locator("tbody tr").first()).toBeVisible();
      await expect(page.getByRole("button", { name: "下一页" })).toBeDisabled();
      // A search under the cap has its exact total.
      await page.goto(`/roll?q=${encodeURIComponent("黎1000")}`);
      await expect(page.getByTestId("roll-total")).toHaveText(/^共 \d+ 人$/);
      await page.getByRole("button", { name: "English" }).click();
      await page.goto("/roll");
      await expect(page.getByTestId("roll-total")).toHaveText("10,000+ pensioners");
      await expect(page.getByTestId("roll-page")).toHaveText("Page 1 of 400+");
    } finally {
      await prisma().$executeRawUnsafe(`delete from pensioners where region_code = $1 and id_hmac = any(select sha256(($2 || i)::bytea) from generate_series(1, 10005) i)`, county, tag);
    }
  });

  test("open a pensioner, edit, and see the audit event; reveal the ID with a reason", async ({ page, users, pensioners }) => {
    const p = await pensioners.create("520103");
    await signIn(page, await users.create("officer", ["5201"]));
    await page.goto("/roll?q=" + encodeURIComponent(p.name));
    await page.getByRole("link", { name: p.name }).click();
    await expect(page.getByRole("heading", { name: p.name })).toBeVisible();
    await expect(page.getByTestId("national-id")).toHaveText(`${p.nationalId.slice(0, 4)}**********${p.nationalId.slice(14)}`);

    await page.getByRole("button", { name: "编辑" }).click();
    await page.getByLabel("地址").fill("云岩区新华路 12 号");
    await page.getByLabel("月养老金（元）").fill("2600.50");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.getByRole("status")).toHaveText("已保存。");
    await expect(page.getByText("云岩区新华路 12 号")).toBeVisible();
    await expect(page.getByText("¥2,600.50")).toBeVisible();
    await expect(page.getByTestId("audit-list")).toContainText("pensioner.update");
    await expect(page.getByTestId("audit-list")).not.toContainText("新华路");

    await page.getByLabel("查看原因（将记入审计日志）").fill("柜台核对身份");
    await page.getByRole("button", { name: "查看完整身份证号" }).click();
    await expect(page.getByTestId("national-id")).toHaveText(p.nationalId);
    await expect(page.getByTestId("audit-list")).toContainText("pensioner.revealId");
  });

  test("the pensioner page lists her cases, checks, kiosk attempts and printed notices, each linked to its page, or says there are none", async ({ page, users, pensioners }) => {
    const p = await pensioners.create("520103", { name: `经历${Date.now() % 100000}` });
    const none = await pensioners.create("520103");
    // Written as the monthly run, the kiosk and a case would write them, in a month no demo run touches.
    const period = "2031-03";
    const check = await prisma().kioskCheck.create({
      data: { pensionerId: p.id, regionCode: "520103", period, reason: "officer", status: "scheduled", dueOn: new Date("2031-03-31") },
      select: { id: true },
    });
    const kase = await prisma().case.create({ data: { pensionerId: p.id, regionCode: "520103", reason: "overdue", period }, select: { id: true } });
    // Revoked, so no other test's list of kiosks sees it.
    const device = await prisma().kioskDevice.create({
      data: { regionCode: "5201", name: "经历测试终端", location: "测试大厅", tokenHash: randomBytes(32), enrolledAt: new Date(), revokedAt: new Date() },
      select: { id: true },
    });
    await prisma().kioskAttempt.create({
      data: { checkId: check.id, pensionerId: p.id, regionCode: "520103", deviceId: device.id, steps: ["blink", "turn-left"], locale: "zh-CN", expiresAt: new Date(Date.now() + 90_000), submittedAt: new Date(), decision: "fail", reasons: ["no-match"] },
    });
    await signIn(page, await users.create("officer", ["5201"]));
    // The officer prints the check's notice, as from the checks page: an audited event.
    expect((await page.request.get(`/api/v1/notices/checks/${check.id}?size=A5`)).status()).toBe(200);

    await page.goto(`/roll/${p.id}`);
    await expect(page.getByRole("heading", { name: p.name })).toBeVisible();
    const ref = `K-${period}-${check.id.slice(0, 8).toUpperCase()}`;
    const caseRef = `C-${kase.id.slice(0, 8).toUpperCase()}`;

    const cases = page.getByTestId("pensioner-cases");
    await expect(cases.getByRole("heading", { name: "个案" })).toBeVisible();
    await expect(cases.getByTestId("pensioner-case")).toHaveCount(1);
    await expect(cases.getByTestId("pensioner-case")).toContainText("逾期未核验");
    await expect(cases.getByTestId("pensioner-case")).toContainText("处理中");
    await expect(cases.getByRole("link", { name: `打开个案 ${caseRef}` })).toHaveAttribute("href", `/cases/${kase.id}`);

    const checks = page.getByTestId("pensioner-checks");
    await expect(checks.getByTestId("pensioner-check")).toHaveCount(1);
    await expect(checks.getByTestId("pensioner-check")).toContainText("已安排");
    await expect(checks.getByTestId("pensioner-check")).toContainText("2031-03-31");
    await expect(checks.getByRole("link", { name: `打印核验 ${ref} 的认证通知（PDF，在新标签页打开）` })).toHaveAttribute("href", `/api/v1/notices/checks/${check.id}?size=A4`);

    const attempts = page.getByTestId("pensioner-attempts");
    await expect(attempts.getByTestId("pensioner-attempt")).toHaveCount(1);
    await expect(attempts.getByTestId("pensioner-attempt")).toContainText("经历测试终端");
    await expect(attempts.getByTestId("pensioner-attempt")).toContainText("未通过");
    await expect(attempts.getByTestId("pensioner-attempt")).toContainText("no-match");

    const notices = page.getByTestId("pensioner-notices");
    await expect(notices.getByTestId("pensioner-notice")).toHaveCount(1);
    await expect(notices.getByTestId("pensioner-notice")).toContainText("认证通知");
    await expect(notices.getByTestId("pensioner-notice")).toContainText("单独打印（A5）");

    // The check's link opens the kiosk checks page on that check.
    await checks.getByRole("link", { name: `在自助核验页查看核验 ${ref}` }).click();
    await expect(page).toHaveURL(new RegExp(`/checks\\?ref=${ref}`));
    await expect(page.getByTestId("check-row")).toHaveCount(1);
    await expect(page.getByTestId("check-reference")).toHaveText(ref);
    await expect(page.getByLabel("通知参考编号")).toHaveValue(ref);

    // Someone with nothing yet: each list says so.
    await page.goto(`/roll/${none.id}`);
    await expect(page.getByTestId("pensioner-cases-empty")).toHaveText("此人没有个案。");
    await expect(page.getByTestId("pensioner-checks-empty")).toHaveText("此人尚无自助核验。");
    await expect(page.getByTestId("pensioner-attempts-empty")).toHaveText("此人尚未在自助终端进行认证。");
    await expect(page.getByTestId("pensioner-notices-empty")).toHaveText("尚未为此人打印过通知。");
  });

  test("a bad edit shows the field's error and changes nothing", async ({ page, users, pensioners }) => {
    const p = await pensioners.create("520103");
    await signIn(page, await users.create("officer", ["5201"]));
    await page.goto(`/roll/${p.id}`);
    await page.getByRole("button", { name: "编辑" }).click();
    await page.getByLabel("电话").fill("12345");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.locator("#phone-error")).toBeVisible();
    await page.getByRole("button", { name: "取消" }).click();
    await expect(page.getByText("13800000000")).toBeVisible();
  });

  test("add a pensioner through the form", async ({ page, users, pensioners }) => {
    const { nationalId, birth } = await pensioners.freshId("520102");
    await signIn(page, await users.create("officer", ["5201"]));
    await page.getByRole("link", { name: "新增人员" }).click();
    await page.getByLabel("身份证号").fill(nationalId.toLowerCase());
    await page.getByLabel("姓名").fill("表单新增");
    await page.getByLabel("出生日期").fill(birth);
    await page.getByLabel("所属区县").selectOption("520102");
    await page.getByLabel("月养老金（元）").fill("3000");
    await page.getByLabel("参保日期").fill("2000-01-01");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.getByRole("heading", { name: "表单新增" })).toBeVisible();
    await expect(page.getByTestId("national-id")).toHaveText(`${nationalId.slice(0, 4)}**********${nationalId.slice(14)}`);
    await expect(page.getByTestId("audit-list")).toContainText("pensioner.create");
  });
});
