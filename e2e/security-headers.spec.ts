import type { APIResponse, Page } from "@playwright/test";
import { testEnv } from "../lib/env.js";
import { expect, signIn, test } from "./fixtures";

// The response headers of pages (proxy.ts, a CSP with a nonce per request), API answers and the
// kiosk (next.config.mjs, lib/security-headers.js), checked on the production build; then what a
// real Chromium makes of them (scripts run, styles load, no violation, camera and WebAssembly only
// on the kiosk), and the route wrappers refusing a cross-site POST that carries a staff cookie.

/** script-src's sources, or fails the test if there is no such directive. */
function directive(csp: string, name: string): string[] {
  const d = csp.split(";").map((s) => s.trim()).find((s) => s.split(/\s+/)[0] === name);
  expect(d, `${name} in ${csp}`).toBeDefined();
  return d!.split(/\s+/).slice(1);
}

function nonceOf(csp: string): string {
  const n = directive(csp, "script-src").find((s) => s.startsWith("'nonce-"));
  expect(n, csp).toBeDefined();
  return n!.slice("'nonce-".length, -1);
}

function expectCommon(res: APIResponse) {
  const h = res.headers();
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  // Plain http (the test server): no HSTS.
  expect(h["strict-transport-security"]).toBeUndefined();
}

/** Collects the page's CSP violations and console errors from before its first script. */
async function watchViolations(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));
  });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Permissions[- ]policy/i.test(m.text())) errors.push(m.text());
  });
  return async () => [...((await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)) ?? []), ...errors];
}

test.describe("security headers", () => {
  test("a page (/sign-in): a CSP with a fresh nonce on Next's scripts and no 'unsafe-inline' for scripts; no camera", async ({ request }) => {
    const res = await request.get("/sign-in");
    expect(res.status()).toBe(200);
    expectCommon(res);
    const h = res.headers();
    const csp = h["content-security-policy"]!;
    const script = directive(csp, "script-src");
    expect(script).toContain("'strict-dynamic'");
    expect(script).not.toContain("'unsafe-inline'");
    expect(script).not.toContain("'unsafe-eval'");
    expect(script).not.toContain("'wasm-unsafe-eval'");
    expect(directive(csp, "object-src")).toEqual(["'none'"]);
    expect(directive(csp, "base-uri")).toEqual(["'self'"]);
    expect(csp).not.toContain("upgrade-insecure-requests");
    const nonce = nonceOf(csp);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{20,}={0,2}$/);
    // Next.js put this request's nonce on its scripts, and every script has it.
    const html = await res.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s, s).toContain(`nonce="${nonce}"`);
    expect(h["permissions-policy"]).toContain("camera=()");
    expect(h["permissions-policy"]).not.toContain("camera=(self)");
    // Per request: the next answer has another nonce.
    expect(nonceOf((await request.get("/sign-in")).headers()["content-security-policy"]!)).not.toBe(nonce);
  });

  test("an API answer: nosniff, a CSP that loads nothing, no camera", async ({ request }) => {
    const res = await request.get("/api/v1/pensioners");
    expect(res.status()).toBe(401);
    expect(res.headers()["content-type"]).toContain("application/problem+json");
    expectCommon(res);
    expect(directive(res.headers()["content-security-policy"]!, "default-src")).toEqual(["'none'"]);
    expect(res.headers()["permissions-policy"]).toContain("camera=()");
  });

  test("the kiosk: camera for itself, and 'wasm-unsafe-eval' for the face models, with the nonce still required", async ({ request }) => {
    const res = await request.get("/kiosk");
    expect(res.status()).toBe(200);
    expectCommon(res);
    const csp = res.headers()["content-security-policy"]!;
    const script = directive(csp, "script-src");
    expect(script).toContain("'wasm-unsafe-eval'");
    expect(script).not.toContain("'unsafe-inline'");
    expect(script).not.toContain("'unsafe-eval'");
    nonceOf(csp);
    expect(res.headers()["permissions-policy"]).toContain("camera=(self)");
  });

  test("HSTS, upgrade-insecure-requests and secure cookies only behind HTTPS (X-Forwarded-Proto)", async ({ request }) => {
    const https = { "x-forwarded-proto": "https" };
    const page = await request.get("/sign-in", { headers: https });
    expect(page.headers()["strict-transport-security"]).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(page.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
    const api = await request.get("/api/v1/pensioners", { headers: https });
    expect(api.headers()["strict-transport-security"]).toMatch(/^max-age=\d{8,}/);
    expect((await request.get("/api/v1/pensioners")).headers()["strict-transport-security"]).toBeUndefined();
  });

  test("in Chromium: scripts run and styles load under the policy, with no violation, on the sign-in page and a staff page", async ({ page, users }) => {
    const violations = await watchViolations(page);
    await page.goto("/sign-in");
    // Tailwind's stylesheet applied: <main> is max-w-md (28rem) and mt-16 (4rem), not the browser's none and 0.
    const rem = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    const main = page.locator("main");
    await expect(main).toHaveCSS("max-width", `${28 * rem}px`);
    await expect(main).toHaveCSS("margin-top", `${4 * rem}px`);
    // React hydrated: the language switch is a client component.
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { name: "Staff sign-in" })).toBeVisible();
    await page.getByRole("button", { name: "中文" }).click();
    await signIn(page, await users.create("officer", ["5201"]));
    await expect(page.locator("tbody tr").first()).toBeVisible();
    expect(await violations()).toEqual([]);
  });

  test("in Chromium: the supervisor's dashboard and its charts render with no violation", async ({ page, users }) => {
    const violations = await watchViolations(page);
    await signIn(page, await users.create("supervisor", ["52"]));
    await expect(page).toHaveURL(/\/dashboard$/);
    // The worker may not have built the rollups yet; either way the page has rendered its state.
    await expect(page.locator('[data-testid="dashboard-figures"], [data-testid="dashboard-empty"], [data-testid="dashboard-pending"]').first()).toBeVisible({ timeout: 30_000 });
    if (await page.getByTestId("dashboard-figures").isVisible()) await expect(page.locator("svg.recharts-surface").first()).toBeVisible();
    expect(await violations()).toEqual([]);
  });

  test("in Chromium: the camera and WebAssembly are allowed on the kiosk only", async ({ playwright, baseURL }) => {
    const browser = await playwright.chromium.launch({
      executablePath: testEnv.chromiumPath || undefined,
      args: ["--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
    });
    try {
      const page = await browser.newPage({ baseURL });
      const probe = () =>
        page.evaluate(async () => {
          const camera = await navigator.mediaDevices.getUserMedia({ video: true }).then(
            (s) => (s.getTracks().forEach((t) => t.stop()), "granted"),
            (e: Error) => e.name,
          );
          // The smallest WebAssembly module: magic and version.
          const wasm = await WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])).then(
            () => "compiled",
            (e: Error) => e.name,
          );
          return { camera, wasm };
        });
      await page.goto("/kiosk");
      expect(await probe()).toEqual({ camera: "granted", wasm: "compiled" });
      await page.goto("/sign-in");
      expect(await probe()).toEqual({ camera: "NotAllowedError", wasm: "CompileError" });
    } finally {
      await browser.close();
    }
  });
});

test.describe("cookies and cross-site requests", () => {
  test("the session cookie is HttpOnly and SameSite=Lax, and Secure with the __Secure- prefix behind HTTPS", async ({ page, users, playwright, baseURL }) => {
    const u = await users.create("officer", ["5201"]);
    await signIn(page, u);
    const session = (await page.context().cookies()).find((c) => c.name === "authjs.session-token");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });

    // Behind the bureau's HTTPS proxy (X-Forwarded-Proto: https), through Auth.js's own endpoints.
    const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-proto": "https" } });
    try {
      const csrf = await api.get("/api/auth/csrf");
      const csrfCookie = csrf.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith("__Host-authjs.csrf-token="));
      expect(csrfCookie?.value).toMatch(/; HttpOnly/i);
      expect(csrfCookie?.value).toMatch(/; Secure/i);
      expect(csrfCookie?.value).toMatch(/; SameSite=Lax/i);
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const signedIn = await api.post("/api/auth/callback/credentials", {
        form: { username: u.username, password: u.password, csrfToken },
        headers: { cookie: csrfCookie!.value.split(";")[0]! },
        maxRedirects: 0,
      });
      expect(signedIn.status()).toBe(302);
      const cookie = signedIn.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith("__Secure-authjs.session-token="));
      expect(cookie, JSON.stringify(signedIn.headersArray())).toBeDefined();
      expect(cookie!.value).toMatch(/; HttpOnly/i);
      expect(cookie!.value).toMatch(/; Secure/i);
      expect(cookie!.value).toMatch(/; SameSite=Lax/i);
    } finally {
      await api.dispose();
    }
  });

  test("a cross-site POST carrying the staff cookie is refused 403 problem+json; the same request from the app's origin works", async ({ page, users, pensioners, baseURL }) => {
    const p = await pensioners.create("520102");
    await signIn(page, await users.create("officer", ["5201"]));
    const url = `/api/v1/pensioners/${p.id}/reveal`;
    const data = { reason: "核对身份信息" };

    // page.request sends the context's cookies whatever their SameSite, as a browser would not.
    const foreign: Record<string, string>[] = [{ origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }];
    for (const headers of foreign) {
      const refused = await page.request.post(url, { data, headers });
      expect(refused.status(), JSON.stringify(headers)).toBe(403);
      expect(refused.headers()["content-type"]).toContain("application/problem+json");
      const body = (await refused.json()) as { code: string; nationalId?: string };
      expect(body.code).toBe("FORBIDDEN");
      expect(body.nationalId).toBeUndefined();
    }
    // The control: the cookie really is a working session, and the app's own origin passes.
    const ok = await page.request.post(url, { data, headers: { origin: new URL(baseURL!).origin, "sec-fetch-site": "same-origin" } });
    expect(ok.status(), await ok.text()).toBe(200);
    expect(((await ok.json()) as { nationalId: string }).nationalId).toBe(p.nationalId);

    // A real browser on a foreign page posting a form at the API: refused before it reaches the route.
    await page.route("http://evil.test/", (r) =>
      r.fulfill({
        contentType: "text/html",
        body: `<form method="post" enctype="text/plain" action="${baseURL}${url}"><input name='{"reason":"csrf","x":"' value='"}'></form><script>document.forms[0].submit()</script>`,
      }),
    );
    const answer = page.waitForResponse((r) => r.url().endsWith(url) && r.request().method() === "POST");
    await page.goto("http://evil.test/");
    const res = await answer;
    expect(res.request().headers()["origin"]).toBe("http://evil.test");
    expect(res.status()).toBe(403);
    expect(res.headers()["content-type"]).toContain("application/problem+json");
  });

  test("a POST from the app that is not JSON is refused 415 naming body", async ({ page, users }) => {
    await signIn(page, await users.create("officer", ["5201"]));
    const res = await page.request.post("/api/v1/pensioners", { data: "nationalId=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status()).toBe(415);
    const p = (await res.json()) as { code: string; errors: { path: string }[] };
    expect(p.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(p.errors[0]!.path).toBe("body");
  });
});
