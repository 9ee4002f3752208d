import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { prisma } from "../lib/db/client";
import { addMonths, currentPeriod } from "../lib/domain/period";
import { expect, signIn, test } from "./fixtures";

// The payment system's interface as people use it: an admin issues an API token and the payment
// system reads with it; a supervisor opens the month's holds and exports them to CSV, whose lines
// and totals must agree with the page.

const COUNTY = "520103";

/** A hold in force this period, or one lifted this period with its held months due as arrears now. */
async function holdFor(pensioner: { id: string }, o: { monthlyFen: bigint; start: string; lifted?: string; kind?: "suspended" | "terminated"; cause?: "deceased" | "unverified" }) {
  const h = await prisma().paymentHold.create({
    data: { pensionerId: pensioner.id, regionCode: COUNTY, caseId: randomUUID(), kind: o.kind ?? "suspended", cause: o.cause ?? "unverified", monthlyFen: o.monthlyFen, startPeriod: o.start, liftedPeriod: o.lifted ?? null },
    select: { id: true },
  });
  if (o.lifted) {
    const months: string[] = [];
    for (let p = o.start; p < o.lifted; p = addMonths(p, 1)) months.push(p);
    await prisma().paymentArrear.createMany({ data: months.map((period) => ({ holdId: h.id, period, pensionerId: pensioner.id, regionCode: COUNTY, amountFen: o.monthlyFen, duePeriod: o.lifted! })) });
  }
  return h.id;
}

/** "¥1,234.56" or "1234.56" → fen. */
const fen = (s: string) => BigInt(s.replace(/[¥,\s]/g, "").replace(".", ""));

test.describe("payment holds", () => {
  test("an admin creates an API token, the payment system reads the holds with it, and a revoked token is refused", async ({ page, users, pensioners, request, context }) => {
    const period = currentPeriod();
    const p = await pensioners.create(COUNTY, { name: "接口测试甲", monthlyPensionFen: 261_800 });
    const holdId = await holdFor(p, { monthlyFen: 261_800n, start: period, kind: "terminated", cause: "deceased" });

    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signIn(page, await users.create("admin", ["52"]));
    await page.getByRole("link", { name: "接口令牌" }).click();
    await expect(page.getByRole("heading", { name: "接口令牌" })).toBeVisible();

    const form = page.getByRole("form", { name: "创建令牌" });
    // Without a region the server names the field.
    const name = `支付系统-${Date.now().toString(36)}`;
    await form.getByLabel("名称").fill(name);
    await form.getByRole("button", { name: "创建令牌" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "body.regionCodes" })).toBeVisible();

    await form.getByLabel("名称").fill(name);
    await form.getByRole("checkbox", { name: /^贵阳市/ }).check();
    await expect(form.getByText("已选择 1 个地区")).toBeVisible();
    await expect(form.getByRole("checkbox", { name: /读取停发名单/ })).toBeChecked();
    await form.getByRole("button", { name: "创建令牌" }).click();

    const issued = page.getByTestId("issued-token");
    await expect(issued).toContainText("只显示这一次");
    const token = (await page.getByTestId("api-token").innerText()).trim();
    expect(token).toMatch(/^pst_[A-Za-z0-9_-]{43}$/);
    await issued.getByRole("button", { name: "复制" }).click();
    await expect(issued.getByText("已复制")).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    const row = page.getByTestId("token-row").filter({ hasText: name });
    await expect(row).toContainText("payment-holds.read");
    await expect(row).toContainText("5201");
    await expect(row.getByTestId("token-last-used")).toHaveText("从未使用");

    // The payment system: no staff session, only the token.
    const res = await request.get(`/api/v1/payment-holds?period=${period}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("application/json");
    const body = (await res.json()) as { period: string; regionCodes: string[]; totals: { heldPensioners: number; heldFen: string }; holds: { holdId: string; nationalId: string; name: string; kind: string; monthlyFen: string; heldFen: string }[]; nextCursor: string | null };
    expect(body.period).toBe(period);
    expect(body.regionCodes).toEqual(["5201"]);
    expect(body.holds.find((h) => h.holdId === holdId)).toMatchObject({ nationalId: p.nationalId, name: "接口测试甲", kind: "terminated", monthlyFen: "261800", heldFen: "261800" });
    expect(BigInt(body.totals.heldFen)).toBe(body.holds.reduce((s, h) => s + BigInt(h.heldFen), 0n));
    const future = await request.get(`/api/v1/payment-holds?period=${addMonths(period, 1)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(future.status()).toBe(400);
    expect(((await future.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["query.period"]);

    await page.reload();
    await expect(page.getByTestId("issued-token")).toHaveCount(0);
    await expect(page.getByText(token)).toHaveCount(0);
    await expect(row.getByTestId("token-last-used")).not.toHaveText("从未使用");
    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "吊销" }).click();
    await expect(row.getByTestId("token-state")).toContainText("吊销");
    const refused = await request.get(`/api/v1/payment-holds?period=${period}`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status()).toBe(401);
    expect(refused.headers()["content-type"]).toContain("application/problem+json");
  });

  test("a supervisor opens this month's holds and the CSV's lines and totals agree with the page", async ({ page, users, pensioners }) => {
    const period = currentPeriod();
    const held = await pensioners.create(COUNTY, { name: "停发测试乙", monthlyPensionFen: 312_345 });
    await holdFor(held, { monthlyFen: 312_345n, start: addMonths(period, -1) });
    const resumed = await pensioners.create(COUNTY, { name: "补发测试丙", monthlyPensionFen: 200_050 });
    await holdFor(resumed, { monthlyFen: 200_050n, start: addMonths(period, -2), lifted: period });

    const supervisor = await users.create("supervisor", ["5201"]);
    await signIn(page, supervisor);
    await page.getByRole("link", { name: "停发与补发" }).click();
    await expect(page.getByRole("heading", { name: "停发与补发" })).toBeVisible();
    await expect(page.getByLabel("月份")).toHaveValue(period);
    const shown = {
      pensioners: Number((await page.getByTestId("held-pensioners").innerText()).replace(/,/g, "")),
      held: fen(await page.getByTestId("held-amount").innerText()),
      arrears: fen(await page.getByTestId("arrears-amount").innerText()),
    };
    expect(shown.pensioners).toBeGreaterThanOrEqual(1);
    expect(shown.held).toBeGreaterThanOrEqual(312_345n);
    expect(shown.arrears).toBeGreaterThanOrEqual(400_100n);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "导出 CSV" }).click()]);
    expect(download.suggestedFilename()).toBe(`payment-holds-${period}.csv`);
    const bytes = await readFile((await download.path())!);
    // UTF-8 with a byte order mark, so Excel shows the Chinese.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...lines] = parse(bytes, { bom: true }) as string[][];
    expect(header).toEqual(["人员编号", "身份证号（脱敏）", "姓名", "地区代码", "地区", "停发类型", "原因", "月发放额（元）", "本月停发（元）", "停发起始月", "恢复发放月", "应补发（元）"]);
    const total = lines.pop()!;
    expect(total[0]).toBe("合计");

    const b = lines.find((l) => l[0] === held.id)!;
    expect(b).toEqual([held.id, expect.stringMatching(/^\d{4}\*{10}[\dX]{4}$/), "停发测试乙", COUNTY, "云岩区", "暂停发放", "未通过认证", "3123.45", "3123.45", addMonths(period, -1), "", "0.00"]);
    const c = lines.find((l) => l[0] === resumed.id)!;
    expect(c.slice(7)).toEqual(["2000.50", "0.00", addMonths(period, -2), period, "4001.00"]);
    expect(bytes.toString("utf8")).not.toContain(held.nationalId);

    // The CSV's lines add up to its total line, and both to the page's figures.
    const sum = (col: number) => lines.reduce((s, l) => s + fen(l[col]!), 0n);
    expect(sum(8)).toBe(fen(total[8]!));
    expect(sum(11)).toBe(fen(total[11]!));
    expect(fen(total[8]!)).toBe(shown.held);
    expect(fen(total[11]!)).toBe(shown.arrears);
    const inForce = new Set(lines.filter((l) => l[10] === "" || l[10]! > period).map((l) => l[0]));
    expect(inForce.size).toBe(shown.pensioners);

    // The table shows the same lines (paged), masked.
    await expect(page.getByTestId("page")).toContainText(`共 ${lines.length} 行`);
    const rowB = page.locator(`[data-testid="hold-row"][data-pensioner-id="${held.id}"]`);
    for (let p = 2; p <= Math.ceil(lines.length / 50) && (await rowB.count()) === 0; p++) {
      await page.getByRole("button", { name: "下一页" }).click();
      await expect(page.getByTestId("page")).toContainText(`第 ${p} /`);
    }
    await expect(rowB).toContainText("停发测试乙");
    await expect(rowB).toContainText(b[1]!);
    await expect(rowB).toContainText("3,123.45");
    await expect(rowB).not.toContainText(held.nationalId);

    // A future month is refused on the page and by the export.
    await page.goto(`/payments?period=${addMonths(period, 1)}`);
    await expect(page.getByRole("alert").filter({ hasText: "尚未开始" })).toBeVisible();
    const refused = await page.request.get(`/api/v1/payment-holds/export?period=${addMonths(period, 1)}`);
    expect(refused.status()).toBe(400);
    expect(((await refused.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["query.period"]);
    // An earlier month through the selector: the URL carries it.
    await page.getByLabel("月份").fill(addMonths(period, -1));
    await page.getByRole("button", { name: "查看" }).click();
    await expect(page).toHaveURL(new RegExp(`period=${addMonths(period, -1)}`));
    await expect(page.getByTestId("held-pensioners")).toBeVisible();
  });

  test("officers have no payments page, and the CSV and the token API refuse them", async ({ page, users }) => {
    await signIn(page, await users.create("officer", ["5201"]));
    await expect(page.getByRole("link", { name: "停发与补发" })).toHaveCount(0);
    expect((await page.request.get(`/api/v1/payment-holds/export?period=${currentPeriod()}`)).status()).toBe(403);
    expect((await page.request.get(`/api/v1/api-tokens`)).status()).toBe(403);
    // A session is not a token.
    expect((await page.request.get(`/api/v1/payment-holds?period=${currentPeriod()}`)).status()).toBe(401);
    await page.goto("/payments");
    await expect(page).toHaveURL(/forbidden/);
  });
});
