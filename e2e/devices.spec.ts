import { request as pwRequest } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";

test.describe("kiosk devices", () => {
  test("an admin enrols a kiosk, sees its one-time code once, the kiosk exchanges it, and revoking stops it at once", async ({ page, users, baseURL }) => {
    await signIn(page, await users.create("admin", ["52"]));
    await page.getByRole("link", { name: "自助终端" }).click();
    await expect(page.getByRole("heading", { name: "自助终端" })).toBeVisible();

    const name = `大厅-${Date.now().toString(36)}`;
    const form = page.getByRole("form", { name: "登记终端" });
    await form.getByLabel("区县").selectOption({ index: 1 });
    await form.getByLabel("名称").fill(name);
    await form.getByLabel("地点").fill("南明区政务服务中心一楼");
    await form.getByRole("button", { name: "登记终端" }).click();
    const code = (await page.getByTestId("code").innerText()).trim();
    expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    const row = page.getByTestId("device-row").filter({ hasText: name });
    await expect(row.getByTestId("device-state")).toHaveText("等待登记码");

    // The kiosk: its own browser context, no staff session.
    const kiosk = await pwRequest.newContext({ baseURL });
    const enrolled = await kiosk.post("/api/v1/kiosk/enrol", { data: { code } });
    expect(enrolled.status()).toBe(200);
    expect(await enrolled.json()).toMatchObject({ name });
    const setCookie = enrolled.headers()["set-cookie"] ?? "";
    expect(setCookie).toContain("kiosk_device_token=");
    expect(setCookie.toLowerCase()).toContain("httponly");
    expect(setCookie.toLowerCase()).toContain("samesite=strict");
    // The code is spent.
    expect((await kiosk.post("/api/v1/kiosk/enrol", { data: { code } })).status()).toBe(401);
    const identify = () => kiosk.post("/api/v1/kiosk/identify", { data: { nationalId: "52010319400101001X" } });
    expect((await identify()).status()).toBe(404);

    await page.reload();
    await expect(row.getByTestId("device-state")).toHaveText("使用中");
    // The code is never shown again.
    await expect(page.getByTestId("enrolment-code")).toHaveCount(0);
    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "吊销" }).click();
    await expect(row.getByTestId("device-state")).toHaveText("已吊销");
    const refused = await identify();
    expect(refused.status()).toBe(401);
    expect(refused.headers()["content-type"]).toContain("application/problem+json");
    await kiosk.dispose();
  });

  test("a bad device form names its fields; officers have no devices page and the API refuses them", async ({ page, users }) => {
    const admin = await users.create("admin", ["52"]);
    await signIn(page, admin);
    const bad = await page.request.post("/api/v1/devices", { data: { regionCode: "52-01", name: "", location: "x" } });
    expect(bad.status()).toBe(400);
    const paths = ((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["body.regionCode", "body.name"]));
    const list = await page.request.get("/api/v1/devices?page=1&pageSize=5");
    expect(list.status()).toBe(200);
    expect(await list.json()).toMatchObject({ page: 1, pageSize: 5 });

    await page.context().clearCookies();
    await signIn(page, await users.create("officer", ["5201"]));
    await expect(page.getByRole("link", { name: "自助终端" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "自助核验" })).toBeVisible();
    expect((await page.request.get("/api/v1/devices")).status()).toBe(403);
    await page.goto("/devices");
    await expect(page).toHaveURL(/forbidden/);
  });
});
