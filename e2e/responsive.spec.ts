import type { Page } from "@playwright/test";
import { prisma } from "../lib/db/client";
import { currentPeriod } from "../lib/domain/period";
import { expect, signIn, test } from "./fixtures";

// Every page a person uses on a home visit or with large text: a phone 390 px wide, and a
// 1280 px screen at 200 % zoom (a 640 px CSS viewport with twice the pixels). Each page is
// captured and must not scroll sideways: wide tables scroll inside their own box.

const VIEWS = [
  { name: "phone-390", width: 390, height: 844, deviceScaleFactor: 3 },
  { name: "zoom-200", width: 640, height: 450, deviceScaleFactor: 2 },
] as const;
const COUNTY = "520102";

async function noSidewaysScroll(page: Page, what: string, shot: string) {
  await page.screenshot({ path: test.info().outputPath(`${shot}.png`), fullPage: true });
  const m = await page.evaluate(() => {
    const doc = document.documentElement;
    // The widest element that is not inside a horizontally scrolling box.
    let culprit = "";
    let right = 0;
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      let p: HTMLElement | null = el.parentElement;
      let scrolled = false;
      while (p) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === "auto" || ox === "scroll" || ox === "hidden") { scrolled = true; break; }
        p = p.parentElement;
      }
      if (scrolled) continue;
      const r = el.getBoundingClientRect();
      if (r.right > right) { right = r.right; culprit = `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 120); }
    }
    return { scrollWidth: doc.scrollWidth, width: window.innerWidth, right: Math.round(right), culprit };
  });
  expect(m.scrollWidth, `${what}: the page scrolls sideways (${m.scrollWidth} > ${m.width}; widest: ${m.culprit} to ${m.right})`).toBeLessThanOrEqual(m.width + 1);
}

for (const view of VIEWS) {
  test.describe(`at ${view.name}`, () => {
    test.use({ viewport: { width: view.width, height: view.height }, deviceScaleFactor: view.deviceScaleFactor });

    test("the roll, a pensioner and a case fit the screen", async ({ page, users, pensioners }) => {
      const officer = await users.create("officer", ["5201"]);
      const p = await pensioners.create(COUNTY, { name: "欧阳晓梅" });
      const c = await prisma().case.create({ data: { pensionerId: p.id, regionCode: COUNTY, reason: "overdue", period: currentPeriod() }, select: { id: true } });
      await signIn(page, officer);
      await page.goto("/roll");
      await expect(page.getByRole("heading", { name: "人员名册" })).toBeVisible();
      await expect(page.locator("tbody tr").first()).toBeVisible();
      await noSidewaysScroll(page, "roll", `${view.name}-roll`);
      await page.goto(`/roll/${p.id}`);
      await expect(page.getByText("欧阳晓梅").first()).toBeVisible();
      await noSidewaysScroll(page, "pensioner", `${view.name}-pensioner`);
      await page.goto(`/cases/${c.id}`);
      await expect(page.locator("#timeline-title")).toBeVisible();
      await noSidewaysScroll(page, "case", `${view.name}-case`);
    });

    test("the kiosk fits the screen", async ({ page, users, baseURL }) => {
      const admin = await users.create("admin", ["52"]);
      const ctx = await page.context().browser()!.newContext({ baseURL });
      await signIn(await ctx.newPage(), admin);
      const made = await ctx.request.post("/api/v1/devices", { data: { regionCode: COUNTY, name: `响应式 ${view.name}`, location: "测试大厅" } });
      expect(made.status()).toBe(201);
      const { code } = (await made.json()) as { code: string };
      await ctx.close();
      expect((await page.request.post("/api/v1/kiosk/enrol", { data: { code } })).status()).toBe(200);
      await page.goto("/kiosk");
      await expect(page.getByRole("main")).toBeVisible();
      await noSidewaysScroll(page, "kiosk", `${view.name}-kiosk`);
    });
  });
}
