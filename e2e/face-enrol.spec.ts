import { testEnv } from "../lib/env.js";
import { makeTestVideos } from "../scripts/make-test-videos";
import { cropJpeg } from "../test/face-fixtures";
import { expect, signIn, test } from "./fixtures";

// The officer's face enrolment on the pensioner page, against the real route and the real BDMI
// service (which finds the face and stores the template): a JPEG of the man from Human's assets
// is accepted; a PNG and a text file are refused with the server's own field message.
const PNG_1x1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

test("an officer enrols a pensioner's reference face from a JPEG; a PNG or a text file is refused clearly", async ({ page, users, pensioners }) => {
  test.setTimeout(90_000);
  const p = await pensioners.create("520102");
  await signIn(page, await users.create("officer", ["5201"]));
  await page.goto(`/roll/${p.id}`);
  const form = page.getByRole("form", { name: "人脸基准照" });
  await expect(form).toBeVisible();
  const file = form.getByLabel("照片（JPEG）");

  // Nothing chosen: the page says so, without a request.
  await form.getByRole("button", { name: "登记人脸" }).click();
  await expect(page.getByText("请先选择一张照片。")).toBeVisible();

  // A PNG: the server refuses it, naming the photo.
  await file.setInputFiles({ name: "face.png", mimeType: "image/png", buffer: PNG_1x1 });
  const refused = page.waitForResponse((r) => r.url().endsWith(`/api/v1/pensioners/${p.id}/face`));
  await form.getByRole("button", { name: "登记人脸" }).click();
  expect((await refused).status()).toBe(400);
  await expect(page.getByTestId("face-enrol-error")).toContainText("照片未被接受");
  await expect(page.getByTestId("face-enrol-error")).toContainText("JPEG");
  await expect(file).toHaveAttribute("aria-invalid", "true");

  // A text file, chosen and sent with the keyboard only.
  await file.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a photo\n") });
  await expect(page.getByTestId("face-enrol-error")).toHaveCount(0);
  await form.getByRole("button", { name: "登记人脸" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("face-enrol-error")).toContainText("JPEG");

  // The man's photo (another photograph of the kiosk video's man): BDMI finds one face and enrols it.
  await file.setInputFiles({ name: "man.jpg", mimeType: "image/jpeg", buffer: cropJpeg("screenshot-facedetect.jpg", [8, 346, 150, 150]) });
  const accepted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/pensioners/${p.id}/face`));
  await form.getByRole("button", { name: "登记人脸" }).click();
  expect((await accepted).status()).toBe(200);
  await expect(page.getByTestId("face-enrol-done")).toHaveText("人脸登记成功，该人员现在可以使用自助终端。");
  await expect(page.getByTestId("face-enrol-error")).toHaveCount(0);
});

test("an officer enrols the face with the device's camera: the same server checks decide", async ({ playwright, users, pensioners, baseURL }) => {
  test.setTimeout(120_000);
  const videos = makeTestVideos();
  const p = await pensioners.create("520102");
  const officer = await users.create("officer", ["5201"]);
  const browser = await playwright.chromium.launch({
    executablePath: testEnv.chromiumPath || undefined,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${videos.live}`],
  });
  try {
    const page = await (await browser.newContext({ baseURL, locale: "zh-CN" })).newPage();
    await signIn(page, officer);
    await page.goto(`/roll/${p.id}`);
    await page.getByRole("button", { name: "改用摄像头拍照" }).click();
    await expect(page.getByTestId("face-camera")).toBeVisible();
    await expect.poll(() => page.getByTestId("face-camera").evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
    const sent = page.waitForResponse((r) => r.url().endsWith(`/api/v1/pensioners/${p.id}/face`));
    await page.getByRole("button", { name: "拍照并登记" }).click();
    const res = await sent;
    expect(res.request().headers()["content-type"]).toContain("multipart/form-data");
    expect(res.status(), await res.text()).toBe(200);
    await expect(page.getByTestId("face-enrol-done")).toBeVisible();
    await expect(page.getByTestId("face-camera")).toHaveCount(0);
  } finally {
    await browser.close();
  }
});
