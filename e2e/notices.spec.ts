import { readFileSync } from "node:fs";
import type { Locator, Page } from "@playwright/test";
import { prisma } from "../lib/db/client";
import { todayCst } from "../lib/server/checks/list-kiosk-checks";
import { expect, signIn, test } from "./fixtures";

// Printed notices from the officers' checks page: one check's notice from its row, and the batch
// of a region and month as one PDF. The checks are the test's own, in a month no demo run touches
// (2031-02), so the batch holds exactly them.
const PERIOD = "2031-02";
const day = (offset: number) => new Date(Date.parse(todayCst()) + offset * 86_400_000);

/** Pages of a PDF (pdfkit writes each page's dictionary uncompressed). */
const pageCount = (pdf: Buffer) => pdf.toString("latin1").match(/\/Type \/Page(?![s\w])/g)?.length ?? 0;

/** The row of `name`, going to the next page until it shows. */
async function rowOf(page: Page, name: string): Promise<Locator> {
  const row = page.getByTestId("check-row").filter({ hasText: name });
  const nav = page.getByRole("navigation", { name: "分页" });
  for (let i = 0; i < 200; i++) {
    await expect(page.getByTestId("check-row").first()).toBeVisible();
    if ((await row.count()) > 0) return row;
    const at = await nav.innerText();
    await nav.getByRole("button", { name: "下一页" }).click();
    await expect(nav).not.toHaveText(at);
  }
  throw new Error(`no row for ${name}`);
}

test("an officer prints a check's notice from its row and the region's batch as one PDF", async ({ page, users, pensioners }) => {
  test.setTimeout(120_000);
  const counties = await prisma().region.findMany({ where: { level: "county" }, select: { code: true } });
  const open = await prisma().kioskCheck.groupBy({ by: ["regionCode"], where: { status: { in: ["scheduled", "in_progress"] } }, _count: { _all: true } });
  const openIn = (code: string) => open.find((o) => o.regionCode === code)?._count._all ?? 0;
  const county = counties.map((c) => c.code).sort((a, b) => openIn(a) - openIn(b))[0]!;
  const first = await pensioners.create(county, { name: "通知甲" });
  const second = await pensioners.create(county, { name: "通知乙" });
  const checks = await prisma().kioskCheck.createManyAndReturn({
    data: [
      { pensionerId: first.id, regionCode: county, period: PERIOD, reason: "officer", status: "scheduled", dueOn: day(20) },
      { pensionerId: second.id, regionCode: county, period: PERIOD, reason: "cohort", status: "scheduled", dueOn: day(25) },
    ],
    select: { id: true, pensionerId: true },
  });
  const officer = await users.create("officer", [county]);
  await signIn(page, officer);
  await page.getByRole("link", { name: "自助核验" }).click();
  await expect(page.getByRole("heading", { name: "自助核验" })).toBeVisible();

  // One check's notice, from its row: the link the officer opens, fetched with their session.
  const row = await rowOf(page, "通知甲");
  const link = row.getByRole("link", { name: "打印通知甲的认证通知（PDF，在新标签页打开）" });
  await expect(link).toHaveAttribute("target", "_blank");
  const href = await link.getAttribute("href");
  expect(href).toBe(`/api/v1/notices/checks/${checks.find((c) => c.pensionerId === first.id)!.id}?size=A4`);
  const one = await page.request.get(href!);
  expect(one.status()).toBe(200);
  expect(one.headers()["content-type"]).toBe("application/pdf");
  expect(one.headers()["content-disposition"]).toMatch(/^inline; filename="check-notice-\d{4}x{10}\d{3}[\dX]\.pdf"$/);
  const onePdf = await one.body();
  expect(onePdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(pageCount(onePdf)).toBe(1);

  // The batch: a region and month with nothing open says so; this test's month has its two checks.
  const print = page.getByTestId("notices-print");
  await print.getByLabel("地区").selectOption(county);
  await print.getByLabel("月份").fill("2031-12");
  await expect(print.getByTestId("notices-none")).toBeVisible();
  await print.getByLabel("月份").fill(PERIOD);
  await print.getByLabel("纸张").selectOption("A5");
  const all = print.getByTestId("notices-print-all");
  await expect(all).toHaveText("打印本地区全部 2 份通知");
  const batchHref = await all.getAttribute("href");
  expect(batchHref).toBe(`/api/v1/notices/checks?region=${county}&period=${PERIOD}&size=A5`);

  const [download] = await Promise.all([page.waitForEvent("download"), all.click()]);
  expect(download.suggestedFilename()).toBe(`check-notices-${county}-${PERIOD}-A5.pdf`);
  await expect(print.getByTestId("notices-saved")).toContainText(`已保存 check-notices-${county}-${PERIOD}-A5.pdf`);
  const batchPdf = readFileSync((await download.path())!);
  expect(batchPdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(pageCount(batchPdf)).toBe(2);
  expect(batchPdf.toString("latin1")).toContain("/MediaBox [0 0 419.53 595.28]");

  const batch = await page.request.get(batchHref!);
  expect(batch.status()).toBe(200);
  expect(batch.headers()["content-type"]).toBe("application/pdf");
  expect((await batch.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");

  // Every print is in the audit trail with its count.
  const audit = await prisma().auditEvent.findMany({ where: { action: "notice.print", actorId: officer.id }, select: { targetType: true, summary: true }, orderBy: { id: "asc" } });
  expect(audit).toEqual([
    { targetType: "kiosk_check", summary: { kind: "check", count: 1, region: county, period: PERIOD, size: "A4" } },
    { targetType: "region", summary: { kind: "check", count: 2, region: county, period: PERIOD, size: "A5" } },
    { targetType: "region", summary: { kind: "check", count: 2, region: county, period: PERIOD, size: "A5" } },
  ]);

  // A batch that breaks off part-way: the page says so and saves nothing. Here the browser gets
  // the first half and a clean end, the worst case (no network error to notice); the server's own
  // failure, an aborted response, is the integration test's.
  const batchUrl = (url: URL) => url.pathname === "/api/v1/notices/checks";
  await page.route(
    batchUrl,
    async (route) => {
      const real = await route.fetch();
      const body = await real.body();
      await route.fulfill({ response: real, body: body.subarray(0, Math.floor(body.length / 2)) });
    },
  );
  let downloads = 0;
  page.on("download", () => downloads++);
  await all.click();
  const failed = print.getByTestId("notices-failed");
  await expect(failed).toContainText("批量通知在生成途中失败");
  await expect(failed).toContainText("未保存任何文件");
  await expect(failed).toContainText(/请求编号 [0-9a-f-]{36}/);
  await expect(print.getByTestId("notices-print-all")).toBeVisible();
  expect(downloads).toBe(0);
  await page.unroute(batchUrl);

  // The reference printed on the notice finds its check on this page.
  const ref = `K-${PERIOD}-${checks.find((c) => c.pensionerId === first.id)!.id.slice(0, 8).toUpperCase()}`;
  await page.getByLabel("通知参考编号").fill(ref.toLowerCase());
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page.getByTestId("check-row")).toHaveCount(1);
  await expect(page.getByTestId("check-row")).toContainText("通知甲");
  await expect(page.getByTestId("check-reference")).toHaveText(ref);
});
