import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import type { Locator, Page } from "@playwright/test";
import { prisma } from "../lib/db/client";
import { addMonths, currentPeriod } from "../lib/domain/period";
import { demoHistoryDone, expect, signIn, test } from "./fixtures";

// The supervisors' dashboard against the real app, worker and rollups. The test puts two payment
// holds of its own on the roll (贵阳市 南明区 and 遵义市 红花岗区), then checks every figure it
// reads against the raw payment_holds rows, summed here independently of the rollups: the page
// must show what the worker rolled up, at the province, the city and the county.

const P = currentPeriod();

/** Fen → "¥1,234.56", as the page writes money. */
const yuan = (fen: bigint) => `¥${(fen / 100n).toLocaleString("en-US")}.${(fen % 100n).toString().padStart(2, "0")}`;
const yuanPlain = (fen: bigint) => `${fen / 100n}.${(fen % 100n).toString().padStart(2, "0")}`;

/** This month's savings under a region, straight from the holds (the definition of holdSavingIn). */
async function savingsFen(prefix: string, period = P): Promise<bigint> {
  const [row] = await prisma().$queryRaw<{ fen: bigint }[]>`
    select coalesce(sum(monthly_fen), 0)::bigint as fen from payment_holds
     where cause <> 'sentenced' and lifted_period is null and start_period <= ${period}
       and (savings_end_period is null or ${period} < savings_end_period) and region_code like ${`${prefix}%`}`;
  return row?.fen ?? 0n;
}

/** A table's cells as text, without units and grouping: what its CSV should hold. */
async function tableCells(table: Locator): Promise<{ head: string[]; rows: string[][] }> {
  const plain = (s: string) => s.replace(/[¥,%×]|TKY/g, "").replace(/^—$/, "").trim();
  const head = await table.locator("thead th").allInnerTexts();
  const rows: string[][] = [];
  for (const tr of await table.locator("tbody tr").all()) rows.push((await tr.locator("th, td").allInnerTexts()).map(plain));
  return { head: head.map((h) => h.trim()), rows };
}

/** Reloads until the worker's rollups carry `fen` as this month's savings (it rebuilds every 30 s). */
async function waitForSavings(page: Page, fen: bigint) {
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("refreshed-at")).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId("kpi-savings-month")).toHaveText(yuan(fen), { timeout: 5_000 });
  }).toPass({ timeout: 240_000, intervals: [2_000, 5_000, 10_000] });
}

test.describe("the supervisors' dashboard", () => {
  test("drills down province → city → county and back, and a table's CSV holds the page's numbers", async ({ page, users, pensioners }) => {
    test.setTimeout(420_000);
    await demoHistoryDone();
    const sup = await users.create("supervisor", ["52"]);

    // Two stopped pensioners of this test: one deceased (terminated) in 南明区 from last month, one
    // unverified (suspended) in 红花岗区 from this month.
    const holds: string[] = [];
    const cases: string[] = [];
    for (const h of [
      { county: "520102", fen: 312_345n, cause: "deceased", kind: "terminated", reason: "deceased", start: addMonths(P, -1) },
      { county: "520302", fen: 198_700n, cause: "unverified", kind: "suspended", reason: "overdue", start: P },
    ] as const) {
      const p = await pensioners.create(h.county, { monthlyPensionFen: Number(h.fen), paymentStatus: h.kind });
      const c = await prisma().case.create({
        data: { pensionerId: p.id, regionCode: h.county, reason: h.reason, status: "closed", period: h.start, outcome: h.kind === "terminated" ? "terminate" : "suspend", closedAt: new Date() },
        select: { id: true },
      });
      cases.push(c.id);
      const hold = await prisma().paymentHold.create({
        data: { pensionerId: p.id, regionCode: h.county, caseId: c.id, kind: h.kind, cause: h.cause, monthlyFen: h.fen, startPeriod: h.start },
        select: { id: true },
      });
      holds.push(hold.id);
    }

    try {
      const province = await savingsFen("52");
      const guiyang = await savingsFen("5201");
      const nanming = await savingsFen("520102");
      expect(nanming).toBeGreaterThanOrEqual(312_345n);
      expect(province).toBeGreaterThan(guiyang); // 遵义市's hold is outside 贵阳市

      await signIn(page, sup);
      await expect(page).toHaveURL(/\/dashboard$/);
      await expect(page.getByRole("heading", { name: "监管看板", level: 1 })).toBeVisible();
      await waitForSavings(page, province);
      const crumbs = page.getByRole("navigation", { name: "地区路径" });
      await expect(crumbs).toContainText("贵州省");
      await expect(crumbs).not.toContainText("贵阳市");

      // The savings-by-region chart drills down from the keyboard as well as the mouse: every bar is
      // a tab stop with a visible focus ring, Enter opens it, and so does Space.
      const chart = page.getByRole("group", { name: /各地区欺诈节省/ });
      const gyBar = chart.getByRole("link", { name: `打开贵阳市（${yuan(guiyang)}）` });
      await expect(gyBar).toBeVisible();
      await gyBar.focus();
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Tab");
      await expect(gyBar).toBeFocused();
      const ring = () => gyBar.evaluate((el) => ({ visible: el.matches(":focus-visible"), stroke: getComputedStyle(el).stroke, width: getComputedStyle(el).strokeWidth }));
      expect(await ring()).toEqual({ visible: true, stroke: "rgb(30, 58, 138)", width: "3px" });
      // Tab walks on to the next bar; Enter opens that one.
      await page.keyboard.press("Tab");
      const next = page.locator(".chart-bar:focus");
      await expect(next).toHaveCount(1);
      const nextCode = await next.getAttribute("data-code");
      expect(nextCode).toMatch(/^52\d\d$/);
      expect(nextCode).not.toBe("5201");
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(new RegExp(`[?&]region=${nextCode}(&|$)`));
      await page.goBack();
      await expect(page).not.toHaveURL(/[?&]region=/);
      await gyBar.focus();
      await page.keyboard.press("Space");
      await expect(page).toHaveURL(/[?&]region=5201(&|$)/);
      await expect(page.getByTestId("kpi-savings-month")).toHaveText(yuan(guiyang));
      await page.goBack();
      await expect(page).not.toHaveURL(/[?&]region=/);
      await expect(page.getByTestId("kpi-savings-month")).toHaveText(yuan(province));

      // Province: a row a city. 贵阳市's row carries its own savings; opening it puts it in the URL.
      const byRegion = page.getByTestId("table-by-region").locator("table");
      const gyRow = byRegion.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "贵阳市" }) });
      await expect(gyRow).toContainText(yuan(guiyang));
      await gyRow.getByRole("link", { name: "贵阳市" }).click();
      await expect(page).toHaveURL(/[?&]region=5201(&|$)/);
      await expect(crumbs).toHaveText(/贵州省\s*›\s*贵阳市/);
      await expect(crumbs.getByText("贵阳市")).toHaveAttribute("aria-current", "page");
      await expect(page.getByTestId("kpi-savings-month")).toHaveText(yuan(guiyang));
      await expect(page.getByTestId("kpi-savings-month")).not.toHaveText(yuan(province));

      // City: a row a county; the counties add up to the city.
      const nmRow = byRegion.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "南明区" }) });
      await expect(nmRow).toContainText(yuan(nanming));

      // The by-region table's CSV is the table: same header, same rows, same numbers.
      const download = page.waitForEvent("download");
      await page.getByRole("button", { name: "导出 CSV：按地区" }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe(`dashboard-by-region-${P}-5201.csv`);
      const bytes = await readFile((await file.path()) as string);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM for Excel
      const records = parse(bytes, { bom: true }) as string[][];
      const { head, rows } = await tableCells(byRegion);
      expect(records[0]).toEqual(head);
      expect(records.slice(1)).toEqual(rows);
      expect(rows.length).toBeGreaterThan(1);
      const col = head.indexOf("节省金额（元）");
      expect(col).toBeGreaterThan(0);
      const nmCsv = records.find((r) => r[0] === "南明区");
      expect(nmCsv?.[col]).toBe(yuanPlain(nanming));
      const sum = records.slice(1).reduce((a, r) => a + BigInt((r[col] as string).replace(".", "")), 0n);
      expect(sum).toBe(guiyang);

      // County: its own figures, the full path in the breadcrumb, no children to list.
      await nmRow.getByRole("link", { name: "南明区" }).click();
      await expect(page).toHaveURL(/[?&]region=520102(&|$)/);
      await expect(crumbs).toHaveText(/贵州省\s*›\s*贵阳市\s*›\s*南明区/);
      await expect(page.getByTestId("kpi-savings-month")).toHaveText(yuan(nanming));
      await expect(page.getByTestId("table-by-region")).toHaveCount(0);
      const cause = page.getByTestId("table-by-cause").locator("table");
      // The demo's decided cases may add rows of their own; this test's termination has its row.
      await expect(cause.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "已死亡" }) }).filter({ hasText: "终止发放" })).toHaveCount(1);

      // Back up by the breadcrumb: the city, then the province (the supervisor's home: no region in the URL).
      await crumbs.getByRole("link", { name: "贵阳市" }).click();
      await expect(page).toHaveURL(/[?&]region=5201(&|$)/);
      await expect(page.getByTestId("kpi-savings-month")).toHaveText(yuan(guiyang));
      await crumbs.getByRole("link", { name: "贵州省" }).click();
      await expect(page).toHaveURL(/\/dashboard$/);
      await expect(page.getByTestId("kpi-savings-month")).toHaveText(yuan(province));
      // The browser's back button walks the drill-down too.
      await page.goBack();
      await expect(page).toHaveURL(/[?&]region=5201(&|$)/);
      await expect(page.getByTestId("kpi-savings-month")).toHaveText(yuan(guiyang));

      // On paper: no navigation or selectors, the scope in the heading, the tables kept.
      await page.emulateMedia({ media: "print" });
      await expect(page.getByRole("navigation", { name: "main" })).toBeHidden();
      await expect(page.getByRole("form", { name: "期间与地区" })).toBeHidden();
      await expect(page.getByRole("button", { name: "打印" })).toBeHidden();
      await expect(page.getByTestId("print-scope")).toHaveText(`${P} · 贵阳市`);
      await expect(page.getByTestId("table-savings-trend")).toBeVisible();
      await page.emulateMedia({ media: "screen" });

      // The previous month, at the province: 南明区's hold (from last month) saved then, 红花岗区's had not started.
      await crumbs.getByRole("link", { name: "贵州省" }).click();
      await page.getByRole("link", { name: "上个月" }).click();
      await expect(page).toHaveURL(new RegExp(`[?&]period=${addMonths(P, -1)}(&|$)`));
      const before = await savingsFen("52", addMonths(P, -1));
      expect(before).toBeLessThan(province);
      await expect(page.getByTestId("kpi-savings-month")).toHaveText(yuan(before));
      await expect(page.getByRole("combobox", { name: "期间" })).toHaveValue(addMonths(P, -1));
    } finally {
      await prisma().paymentHold.deleteMany({ where: { id: { in: holds } } });
      await prisma().case.deleteMany({ where: { id: { in: cases } } });
    }
  });

  test("a period in the future is refused with the API's message", async ({ page, users }) => {
    await signIn(page, await users.create("supervisor", ["52"]));
    await page.goto(`/dashboard?period=${addMonths(P, 2)}`);
    const alert = page.getByTestId("dashboard-error");
    await expect(alert).toBeVisible();
    await expect(alert).toContainText("query.period");
    await expect(page.getByRole("link", { name: "下个月" })).toHaveCount(0);
  });
});
