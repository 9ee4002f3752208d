import type { Locator, Page } from "@playwright/test";
import { prisma } from "../lib/db/client";
import { currentPeriod } from "../lib/domain/period";
import { todayCst } from "../lib/server/checks/list-kiosk-checks";
import { expect, signIn, test } from "./fixtures";

// The officers' due kiosk checks (/checks) over the real database. The checks are written as the
// monthly run writes them, in the county with the fewest open checks; the demo's history runs may
// still be adding checks while this runs, so the test pages through the list (soonest due first,
// 50 rows a page) to find its own. The worker's sweep expires overdue checks every 10 minutes; this
// test reads the page within seconds of writing its overdue one.
const day = (offset: number) => new Date(Date.parse(todayCst()) + offset * 86_400_000);
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The row of `name`, going to the next page until it shows. */
async function rowOf(page: Page, name: string): Promise<Locator> {
  const row = page.getByTestId("check-row").filter({ hasText: name });
  const next = page.getByRole("navigation", { name: "分页" }).getByRole("button", { name: "下一页" });
  for (let i = 0; i < 200; i++) {
    await expect(page.getByTestId("check-row").first()).toBeVisible();
    if ((await row.count()) > 0) return row;
    await expect(next).toBeEnabled();
    const at = await page.getByRole("navigation", { name: "分页" }).innerText();
    await next.click();
    await expect(page.getByRole("navigation", { name: "分页" })).not.toHaveText(at);
  }
  throw new Error(`no row for ${name}`);
}

test("an officer sees the scheduled checks with their due dates, and an overdue one marked overdue", async ({ page, users, pensioners }) => {
  test.setTimeout(120_000);
  const counties = await prisma().region.findMany({ where: { level: "county" }, select: { code: true } });
  const open = await prisma().kioskCheck.groupBy({ by: ["regionCode"], where: { status: { in: ["scheduled", "in_progress"] } }, _count: { _all: true } });
  const openIn = (code: string) => open.find((o) => o.regionCode === code)?._count._all ?? 0;
  const county = counties.map((c) => c.code).sort((a, b) => openIn(a) - openIn(b))[0]!;
  const due = await pensioners.create(county, { name: "赵六妹" });
  const late = await pensioners.create(county, { name: "钱七妹" });
  const period = currentPeriod();
  await prisma().kioskCheck.createMany({
    data: [
      { pensionerId: due.id, regionCode: county, period, reason: "officer", status: "scheduled", dueOn: day(20) },
      // Long past due: the first row of the list.
      { pensionerId: late.id, regionCode: county, period, reason: "suspected", status: "scheduled", dueOn: day(-400) },
    ],
  });
  await signIn(page, await users.create("officer", [county]));
  await page.getByRole("link", { name: "自助核验" }).click();
  await expect(page.getByRole("heading", { name: "自助核验" })).toBeVisible();

  const lateRow = page.getByTestId("check-row").first();
  await expect(lateRow).toContainText("钱七妹");
  await expect(lateRow).toContainText(iso(day(-400)));
  await expect(lateRow).toContainText("已安排");
  await expect(lateRow.getByTestId("overdue")).toHaveText("已逾期");

  const dueRow = await rowOf(page, "赵六妹");
  await expect(dueRow).toContainText(iso(day(20)));
  await expect(dueRow).toContainText("已安排");
  await expect(dueRow).toContainText("经办人指定");
  await expect(dueRow.getByTestId("overdue")).toHaveCount(0);
});
