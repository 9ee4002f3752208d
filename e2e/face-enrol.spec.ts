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
