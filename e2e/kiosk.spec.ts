import { randomUUID } from "node:crypto";
import type { APIRequestContext, Browser, BrowserContext, Page } from "@playwright/test";
import { prisma } from "../lib/db/client";
import { currentPeriod } from "../lib/domain/period";
import { cropJpeg } from "../test/face-fixtures";
import { expect, signIn, test as base, type TTestUser } from "./fixtures";

// The kiosk page in Chromium against the real server: the real kiosk routes (identify, start,
// submit) and the real BDMI service that `npm start` runs, which decides every submission from the
// frames. The kiosk device is enrolled as an admin and a kiosk do it (API → one-time code → the
// kiosk's POST /api/v1/kiosk/enrol sets the httpOnly cookie); the pensioner's reference face is
// enrolled through the officer API. Only the check itself is written here, as the monthly run
// writes it. For the camera tests Chromium plays a Y4M file as its webcam (environment.md); the
// videos are made from Human's asset photos by scripts/make-test-videos.ts (cached in .data/test-videos).
const COUNTY = "520102";
/** The man of the live video, from ANOTHER photograph of him (README: Kiosk test videos). */
const manReferencePhoto = () => cropJpeg("screenshot-facedetect.jpg", [8, 346, 150, 150]);

type TStaff = { request: APIRequestContext; user: TTestUser };
type TKioskFixtures = {
  /** A signed-in admin (devices.manage) and a signed-in officer (faces.enrol), each in its own browser context. */
  admin: TStaff;
  officer: TStaff;
  kiosk: {
    /** Registers a device as the admin and enrols `context` with its one-time code; returns the device id. */
    enrol: (context: BrowserContext) => Promise<string>;
    /** A pensioner in the device's county with a scheduled check due in 20 days (as the monthly run writes it). */
    pensionerWithCheck: (o?: { failures?: number; face?: boolean }) => Promise<{ id: string; nationalId: string; checkId: string }>;
  };
};

async function staff(browser: Browser, user: TTestUser, baseURL: string, use: (s: TStaff) => Promise<void>) {
  const context = await browser.newContext({ baseURL });
  await signIn(await context.newPage(), user);
  await use({ request: context.request, user });
  await context.close();
}

const test = base.extend<TKioskFixtures>({
  admin: async ({ browser, users, baseURL }, use) => staff(browser, await users.create("admin", ["52"]), baseURL!, use),
  officer: async ({ browser, users, baseURL }, use) => staff(browser, await users.create("officer", ["5201"]), baseURL!, use),
  kiosk: async ({ admin, officer, pensioners }, use) => {
    await use({
      async enrol(context) {
        const made = await admin.request.post("/api/v1/devices", { data: { regionCode: COUNTY, name: `E2E 自助终端 ${randomUUID().slice(0, 4)}`, location: "测试大厅" } });
        expect(made.status()).toBe(201);
        const { id, code } = (await made.json()) as { id: string; code: string };
        // The kiosk's own exchange: context.request shares the browser context's cookie jar.
        const enrolled = await context.request.post("/api/v1/kiosk/enrol", { data: { code } });
        expect(enrolled.status()).toBe(200);
        expect((await context.cookies()).some((c) => c.name === "kiosk_device_token" && c.httpOnly)).toBe(true);
        return id;
      },
      async pensionerWithCheck(o = {}) {
        const p = await pensioners.create(COUNTY, { name: "王小梅" });
        const check = await prisma().kioskCheck.create({
          data: { pensionerId: p.id, regionCode: COUNTY, period: currentPeriod(), reason: "officer", status: "scheduled", dueOn: new Date(Date.now() + 20 * 86_400_000), failures: o.failures ?? 0 },
          select: { id: true },
        });
        if (o.face) {
          const r = await officer.request.post(`/api/v1/pensioners/${p.id}/face`, { multipart: { photo: { name: "man.jpg", mimeType: "image/jpeg", buffer: manReferencePhoto() } } });
          expect(r.status(), await r.text()).toBe(200);
        }
        return { id: p.id, nationalId: p.nationalId, checkId: check.id };
      },
    });
  },
});

/** Watches (never answers) the kiosk API calls the page makes. */
function watchKioskApi(page: Page) {
  const calls = { identify: [] as unknown[], start: [] as unknown[], submit: [] as unknown[] };
  page.on("request", (r) => {
    const u = r.url();
    if (r.method() !== "POST") return;
    if (u.endsWith("/api/v1/kiosk/identify")) calls.identify.push(r.postDataJSON());
    else if (/\/api\/v1\/kiosk\/checks\/[^/]+\/start$/.test(u)) calls.start.push(r.postDataJSON());
    else if (/\/api\/v1\/kiosk\/checks\/[^/]+\/submit$/.test(u)) calls.submit.push(r.postDataJSON());
  });
  return calls;
}

async function typeId(page: Page, id: string) {
  for (const ch of id) await page.getByRole("button", { name: ch, exact: true }).click();
}

async function toConsent(page: Page, nationalId: string) {
  await page.goto("/kiosk");
  await page.keyboard.type(nationalId);
  await page.getByRole("button", { name: "下一步" }).click();
  await page.getByRole("button", { name: "是，是我本人" }).click();
  await expect(page.getByRole("heading", { name: "人脸识别同意书" })).toBeVisible();
}

const checkStatus = async (checkId: string) => (await prisma().kioskCheck.findUniqueOrThrow({ where: { id: checkId }, select: { status: true } })).status;

test.describe("kiosk without the camera", () => {
  test.beforeEach(async ({ context, kiosk }) => {
    await kiosk.enrol(context);
  });

  test("keypad: type the ID, correct it, confirm the masked name, say no", async ({ page, kiosk }) => {
    const { nationalId, checkId } = await kiosk.pensionerWithCheck();
    const calls = watchKioskApi(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto("/kiosk");
    await expect(page.getByRole("heading", { name: "请输入您的身份证号码" })).toBeVisible();
    const display = page.getByTestId("kiosk-id-display");
    // X only as the 18th character; delete and clear work.
    await expect(page.getByRole("button", { name: "X", exact: true })).toBeDisabled();
    await typeId(page, "99");
    await page.getByRole("button", { name: "删除" }).click();
    await expect(display).toHaveText("9");
    await page.getByRole("button", { name: "清空" }).click();
    await expect(display).toHaveText(/^\s*$/);
    await typeId(page, nationalId.slice(0, 10));
    // The physical keyboard types too.
    await page.keyboard.type(nationalId.slice(10).toLowerCase());
    await expect(display).toHaveText(`${nationalId.slice(0, 6)} ${nationalId.slice(6, 14)} ${nationalId.slice(14)}`);
    await page.getByRole("button", { name: "下一步" }).click();
    // The real identify route: the masked name of the roll's 王小梅.
    await expect(page.getByTestId("kiosk-masked-name")).toHaveText("王*梅");
    expect(calls.identify).toEqual([{ nationalId }]);
    // Only the masked name is shown: the full ID number is gone from the screen.
    await expect(page.getByText(nationalId)).toHaveCount(0);
    await page.getByRole("button", { name: "不是我" }).click();
    await expect(page.getByTestId("kiosk-id-display")).toHaveText(/^\s*$/);
    expect(calls.start).toEqual([]);
    expect(await checkStatus(checkId)).toBe("scheduled");
  });

  test("a typing slip (wrong check digit) is caught before anything is sent", async ({ page, pensioners }) => {
    const { nationalId } = await pensioners.freshId(COUNTY);
    const calls = watchKioskApi(page);
    const wrong = nationalId.slice(0, 17) + (nationalId[17] === "1" ? "2" : "1");
    await page.goto("/kiosk");
    await page.keyboard.type(wrong);
    await page.keyboard.press("Enter");
    await expect(page.getByText("这个号码不完整或不正确，请再核对一下。")).toBeVisible();
    expect(calls.identify).toEqual([]);
  });

  test("language switch on every screen keeps the pensioner's place", async ({ page, kiosk }) => {
    const { nationalId } = await kiosk.pensionerWithCheck();
    await page.goto("/kiosk");
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { name: "Please enter your ID number" })).toBeVisible();
    await page.keyboard.type(nationalId);
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.getByRole("heading", { name: "Is this you?" })).toBeVisible();
    await page.getByRole("button", { name: "中文" }).click();
    await expect(page.getByRole("heading", { name: "是您本人吗？" })).toBeVisible();
    await expect(page.getByTestId("kiosk-masked-name")).toHaveText("王*梅");
    await page.getByRole("button", { name: "是，是我本人" }).click();
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { name: "Consent to face processing" })).toBeVisible();
  });

  test("declining consent sends the pensioner to the counter, and the kiosk goes back to the start", async ({ page, kiosk }) => {
    const { nationalId, checkId } = await kiosk.pensionerWithCheck();
    const calls = watchKioskApi(page);
    await toConsent(page, nationalId);
    await page.getByRole("button", { name: "不同意，去柜台办理" }).click();
    await expect(page.getByTestId("kiosk-counter")).toContainText("请到柜台办理");
    expect(calls.start).toEqual([]);
    expect(await checkStatus(checkId)).toBe("scheduled");
    await expect(page.getByText(/秒后回到首页/)).toBeVisible();
    await page.getByRole("button", { name: "完成" }).click();
    await expect(page.getByRole("heading", { name: "请输入您的身份证号码" })).toBeVisible();
  });

  test("someone with no check due is told kindly, not shown anyone", async ({ page, pensioners }) => {
    // On the roll in the county, but no check scheduled: the real identify answers 404.
    const p = await pensioners.create(COUNTY, { name: "李四妹" });
    await page.goto("/kiosk");
    await page.keyboard.type(p.nationalId);
    await page.keyboard.press("Enter");
    await expect(page.getByText("没有找到需要认证的记录。请核对号码，或到柜台咨询工作人员。")).toBeVisible();
    await expect(page.getByTestId("kiosk-masked-name")).toHaveCount(0);
  });

  test("no camera (or camera refused): a kind message, nothing submitted", async ({ page, kiosk }) => {
    // This browser has no fake camera and no camera permission.
    const { nationalId } = await kiosk.pensionerWithCheck();
    const calls = watchKioskApi(page);
    await toConsent(page, nationalId);
    await page.getByRole("button", { name: "我同意，开始" }).click();
    await expect(page.getByTestId("kiosk-error")).toHaveAttribute("data-error", /^(noCamera|cameraDenied)$/);
    expect(calls.start).toHaveLength(1);
    expect(calls.submit).toEqual([]);
  });
});

test("a device revoked by the admin is refused at once, with kind words", async ({ context, page, admin, kiosk }) => {
  const deviceId = await kiosk.enrol(context);
  const { nationalId } = await kiosk.pensionerWithCheck();
  await page.goto("/kiosk");
  const revoked = await admin.request.patch(`/api/v1/devices/${deviceId}`, { data: { revoked: true } });
  expect(revoked.status()).toBe(200);
  await page.keyboard.type(nationalId);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("kiosk-error")).toHaveAttribute("data-error", "revoked");
  await expect(page.getByTestId("kiosk-error")).toContainText("已停用");
});
