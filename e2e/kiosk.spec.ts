import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page, PlaywrightWorkerArgs } from "@playwright/test";
import { ZKioskSubmit, type TKioskResult } from "../lib/domain/kiosk-contract";
import { prisma } from "../lib/db/client";
import { testEnv } from "../lib/env.js";
import { KIOSK_TOKEN_COOKIE } from "../lib/server/kiosk/authenticate-device";
import { makeTestVideos } from "../scripts/make-test-videos";
import { expect, test } from "./fixtures";

// The kiosk page in Chromium with a fake camera (environment.md): Chromium plays a Y4M file as its
// webcam. The videos are made from Human's asset photos by scripts/make-test-videos.ts (cached in
// .data/test-videos). The kiosk API (identify/start/submit) is answered here, from the contract's
// schemas, so these tests hold the page to the contract on their own; the server's decisions
// (face match, spoof scores) are covered by the BDMI service's integration tests.
const videos = makeTestVideos();
const baseArgs = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
/**
 * A browser whose camera plays `file`. Launched here rather than with test.use({ launchOptions }),
 * which Playwright allows only per file: each video needs its own browser.
 */
async function cameraPage(playwright: PlaywrightWorkerArgs["playwright"], file: string, baseURL: string) {
  const browser: Browser = await playwright.chromium.launch({
    executablePath: testEnv.chromiumPath || undefined,
    args: [...baseArgs, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${file}`],
  });
  const context = await browser.newContext({ baseURL, locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 800 } });
  await enrolDevice(context, baseURL);
  return { browser, page: await context.newPage() };
}

/** An enrolled kiosk device for this browser: the row the enrolment API writes, and its token cookie. */
async function enrolDevice(context: BrowserContext, baseURL: string) {
  const token = randomBytes(32).toString("base64url");
  const device = await prisma().kioskDevice.create({
    data: { regionCode: "520102", name: `E2E 自助终端 ${randomUUID().slice(0, 4)}`, location: "测试大厅", tokenHash: createHash("sha256").update(token).digest() },
    select: { id: true },
  });
  await context.addCookies([{ name: KIOSK_TOKEN_COOKIE, value: token, url: baseURL }]);
  return device.id;
}

type TMockOptions = { triesLeft?: number; tryMs?: number; decide?: () => TKioskResult; status?: Partial<Record<"identify" | "start" | "submit", number>> };

/** Answers the kiosk API as the contract says, and records what the page sent. */
async function mockKioskApi(page: Page, o: TMockOptions = {}) {
  const calls = { identify: [] as unknown[], start: [] as unknown[], submit: [] as unknown[], steps: [] as string[][] };
  let triesLeft = o.triesLeft ?? 3;
  const problem = (status: number) => ({ status, contentType: "application/problem+json", body: JSON.stringify({ type: "about:blank", title: "error", status }) });
  await page.route("**/api/v1/kiosk/identify", async (route) => {
    calls.identify.push(route.request().postDataJSON());
    if (o.status?.identify) return route.fulfill(problem(o.status.identify));
    await route.fulfill({ json: { checkId: randomUUID(), maskedName: "王*梅", dueOn: "2026-12-31", triesLeft } });
  });
  await page.route("**/api/v1/kiosk/checks/*/start", async (route) => {
    calls.start.push(route.request().postDataJSON());
    if (o.status?.start) return route.fulfill(problem(o.status.start));
    const steps = ["blink", Math.random() < 0.5 ? "turn-left" : "turn-right"];
    calls.steps.push(steps);
    await route.fulfill({ json: { challengeId: randomUUID(), steps, expiresAt: new Date(Date.now() + (o.tryMs ?? 60_000)).toISOString() } });
  });
  await page.route("**/api/v1/kiosk/checks/*/submit", async (route) => {
    const body = route.request().postDataJSON();
    calls.submit.push(body);
    if (o.status?.submit) return route.fulfill(problem(o.status.submit));
    if (!ZKioskSubmit.safeParse(body).success) return route.fulfill(problem(400));
    triesLeft = Math.max(0, triesLeft - 1);
    await route.fulfill({ json: o.decide?.() ?? { decision: "pass", reasons: [], triesLeft } });
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

test.describe("kiosk without the camera", () => {
  // `pensioners` first: that fixture joins the test database the device row is written to.
  test.beforeEach(async ({ pensioners, context, baseURL }) => {
    expect(pensioners).toBeTruthy();
    await enrolDevice(context, baseURL!);
  });

  test("keypad: type the ID, correct it, confirm the masked name, say no", async ({ page, pensioners }) => {
    const { nationalId } = await pensioners.freshId("520102");
    const calls = await mockKioskApi(page);
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
    await expect(page.getByTestId("kiosk-masked-name")).toHaveText("王*梅");
    expect(calls.identify).toEqual([{ nationalId }]);
    // Only the masked name is shown: the full ID number is gone from the screen.
    await expect(page.getByText(nationalId)).toHaveCount(0);
    await page.getByRole("button", { name: "不是我" }).click();
    await expect(page.getByTestId("kiosk-id-display")).toHaveText(/^\s*$/);
  });

  test("a typing slip (wrong check digit) is caught before anything is sent", async ({ page, pensioners }) => {
    const { nationalId } = await pensioners.freshId("520102");
    const calls = await mockKioskApi(page);
    const wrong = nationalId.slice(0, 17) + (nationalId[17] === "1" ? "2" : "1");
    await page.goto("/kiosk");
    await page.keyboard.type(wrong);
    await page.keyboard.press("Enter");
    await expect(page.getByText("这个号码不完整或不正确，请再核对一下。")).toBeVisible();
    expect(calls.identify).toEqual([]);
  });

  test("language switch on every screen keeps the pensioner's place", async ({ page, pensioners }) => {
    const { nationalId } = await pensioners.freshId("520102");
    await mockKioskApi(page);
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

  test("declining consent sends the pensioner to the counter, and the kiosk goes back to the start", async ({ page, pensioners }) => {
    const { nationalId } = await pensioners.freshId("520102");
    const calls = await mockKioskApi(page);
    await toConsent(page, nationalId);
    await page.getByRole("button", { name: "不同意，去柜台办理" }).click();
    await expect(page.getByTestId("kiosk-counter")).toContainText("请到柜台办理");
    expect(calls.start).toEqual([]);
    await expect(page.getByText(/秒后回到首页/)).toBeVisible();
    await page.getByRole("button", { name: "完成" }).click();
    await expect(page.getByRole("heading", { name: "请输入您的身份证号码" })).toBeVisible();
  });

  test("a revoked device and a service outage end in kind words, not a crash", async ({ page, pensioners }) => {
    const { nationalId } = await pensioners.freshId("520102");
    await mockKioskApi(page, { status: { identify: 401 } });
    await page.goto("/kiosk");
    await page.keyboard.type(nationalId);
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("kiosk-error")).toHaveAttribute("data-error", "revoked");
    await expect(page.getByTestId("kiosk-error")).toContainText("已停用");

    await page.unrouteAll();
    await mockKioskApi(page, { status: { start: 502 } });
    await toConsent(page, nationalId);
    await page.getByRole("button", { name: "我同意，开始" }).click();
    await expect(page.getByTestId("kiosk-error")).toHaveAttribute("data-error", "service");
  });

  test("no camera (or camera refused): a kind message, nothing submitted", async ({ page, pensioners }) => {
    // This browser has no fake camera and no camera permission.
    const { nationalId } = await pensioners.freshId("520102");
    const calls = await mockKioskApi(page);
    await toConsent(page, nationalId);
    await page.getByRole("button", { name: "我同意，开始" }).click();
    await expect(page.getByTestId("kiosk-error")).toHaveAttribute("data-error", /^(noCamera|cameraDenied)$/);
    expect(calls.submit).toEqual([]);
  });
});

test.describe("kiosk with a still photo held to the camera", () => {
  test("a photo never completes the challenge: the time runs out, a gentle retry, then the counter", async ({ playwright, baseURL, pensioners }) => {
    test.setTimeout(150_000);
    const { browser, page } = await cameraPage(playwright, videos.photo, baseURL!);
    const { nationalId } = await pensioners.freshId("520102");
    // The server's challenge expires after 15 s here instead of 60: the page honours the earlier of the two.
    const calls = await mockKioskApi(page, { triesLeft: 2, tryMs: 15_000 });
    await toConsent(page, nationalId);
    await page.getByRole("button", { name: "我同意，开始" }).click();
    // Human sees the face (so the prompt is the first step, not "we cannot see your face")...
    await expect(page.getByTestId("kiosk-prompt")).toHaveText("请眨一眨眼睛", { timeout: 60_000 });
    await expect(page.getByTestId("kiosk-countdown")).toContainText(/还剩 \d+ 秒/);
    // ...but a photo cannot blink: the try times out.
    await expect(page.getByRole("heading", { name: "没关系，我们再试一次。" })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText("时间到了，没有完成动作。")).toBeVisible();
    await expect(page.getByText("还可以再试 1 次")).toBeVisible();
    await page.getByRole("button", { name: "再试一次" }).click();
    await expect(page.getByTestId("kiosk-counter")).toBeVisible({ timeout: 60_000 });
    expect(calls.start).toHaveLength(2);
    expect(calls.submit).toEqual([]);
    await browser.close();
  });
});

test.describe("kiosk with a live person at the camera", () => {
  test("blink and head turn are seen; the evidence sent matches the contract; a kind result, then reset", async ({ playwright, baseURL, pensioners }) => {
    test.setTimeout(150_000);
    const { browser, page } = await cameraPage(playwright, videos.live, baseURL!);
    const { nationalId } = await pensioners.freshId("520102");
    const calls = await mockKioskApi(page);
    await toConsent(page, nationalId);
    await page.getByRole("button", { name: "我同意，开始" }).click();
    await expect(page.getByTestId("kiosk-result")).toHaveAttribute("data-decision", "pass", { timeout: 90_000 });
    await expect(page.getByRole("heading", { name: "认证成功，谢谢您！" })).toBeVisible();
    expect(calls.submit).toHaveLength(1);
    const sent = ZKioskSubmit.parse(calls.submit[0]);
    expect(sent.transcript.map((s) => s.step)).toEqual(calls.steps[0]);
    expect(sent.transcript[1]!.atMs).toBeGreaterThan(sent.transcript[0]!.atMs);
    for (const f of sent.frames) {
      const jpeg = Buffer.from(f, "base64");
      expect(jpeg.subarray(0, 3).toString("hex")).toBe("ffd8ff");
      expect(jpeg.length).toBeLessThanOrEqual(400_000);
    }
    expect(sent.embedding.some((v) => v !== 0)).toBe(true);
    await page.getByRole("button", { name: "完成" }).click();
    await expect(page.getByRole("heading", { name: "请输入您的身份证号码" })).toBeVisible();
    await browser.close();
  });
});
