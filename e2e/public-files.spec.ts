import { expect, test } from "./fixtures";

// public/ ships with the repository: the icons a browser asks for, the kiosk's web app manifest
// (installed, the kiosk runs full screen) and robots.txt that keeps every page out of search indexes.
test.describe("public files", () => {
  test("robots.txt disallows everything, and every answer says noindex", async ({ request }) => {
    const res = await request.get("/robots.txt");
    expect(res.status()).toBe(200);
    expect(await res.text()).toMatch(/^User-agent: \*\s*\nDisallow: \/\s*$/m);
    const page = await request.get("/sign-in");
    expect(page.headers()["x-robots-tag"]).toBe("noindex, nofollow");
  });

  test("the kiosk page links a manifest that installs it full screen, with icons that load", async ({ page, request }) => {
    await page.goto("/kiosk");
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    expect(href).toBe("/manifest.webmanifest");
    const manifest = await (await request.get(href!)).json();
    expect(manifest).toMatchObject({ start_url: "/kiosk", display: "fullscreen" });
    const sizes = new Set<string>();
    for (const icon of manifest.icons as { src: string; sizes: string; type: string }[]) {
      const res = await request.get(icon.src);
      expect(res.status(), icon.src).toBe(200);
      expect(res.headers()["content-type"], icon.src).toContain(icon.type);
      sizes.add(icon.sizes);
    }
    // Chromium's installability wants a 192 and a 512 icon.
    expect([...sizes]).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  });

  test("staff pages name the favicon, and the files a browser asks for by itself exist", async ({ page, request }) => {
    await page.goto("/sign-in");
    await expect(page.locator('link[rel="icon"][href="/favicon.svg"]')).toHaveCount(1);
    await expect(page.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
    for (const file of ["/favicon.ico", "/favicon.svg", "/apple-touch-icon.png"]) {
      const res = await request.get(file);
      expect(res.status(), file).toBe(200);
      expect(res.headers()["content-type"], file).toMatch(/^image\//);
    }
  });
});
