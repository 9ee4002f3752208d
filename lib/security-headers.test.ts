import { describe, expect, it } from "vitest";
import { cameOverHttps, cameraAllowed, contentSecurityPolicy, permissionsPolicy } from "./security-headers.js";

const sources = (csp: string, name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `))?.split(" ").slice(1);

describe("contentSecurityPolicy", () => {
  const page = contentSecurityPolicy({ nonce: "abc", kiosk: false, dev: false, https: false });
  it("lets scripts run only with the nonce ('strict-dynamic'), never inline or eval'd, in production", () => {
    expect(sources(page, "script-src")).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'"]);
    expect(sources(page, "style-src")).toEqual(["'self'", "'nonce-abc'"]);
    expect(sources(page, "frame-ancestors")).toEqual(["'none'"]);
    expect(sources(page, "object-src")).toEqual(["'none'"]);
    expect(page).not.toContain("upgrade-insecure-requests");
  });
  it("adds 'wasm-unsafe-eval' for the kiosk only, and 'unsafe-eval' in development only", () => {
    expect(sources(contentSecurityPolicy({ nonce: "n", kiosk: true, dev: false, https: false }), "script-src")).toContain("'wasm-unsafe-eval'");
    expect(sources(contentSecurityPolicy({ nonce: "n", kiosk: true, dev: false, https: false }), "script-src")).not.toContain("'unsafe-eval'");
    expect(sources(contentSecurityPolicy({ nonce: "n", kiosk: false, dev: true, https: false }), "script-src")).toContain("'unsafe-eval'");
  });
  it("lets only the kiosk fetch data: URLs (Human's warm-up image)", () => {
    expect(sources(page, "connect-src")).toEqual(["'self'"]);
    expect(sources(contentSecurityPolicy({ nonce: "n", kiosk: true, dev: false, https: false }), "connect-src")).toEqual(["'self'", "data:"]);
  });
  it("upgrades insecure requests only over HTTPS", () => {
    expect(contentSecurityPolicy({ nonce: "n", kiosk: false, dev: false, https: true })).toContain("upgrade-insecure-requests");
  });
});

describe("camera and HTTPS", () => {
  it("allows the camera on /kiosk and below it, and on a pensioner's page (the officer's face enrolment), only", () => {
    expect([cameraAllowed("/kiosk"), cameraAllowed("/kiosk/x"), cameraAllowed("/kiosks"), cameraAllowed("/roll/1"), cameraAllowed("/roll/import")]).toEqual([true, true, false, false, false]);
    expect([cameraAllowed("/roll/0b9c3f4e-1d2a-4c5b-9e8f-7a6b5c4d3e2f"), cameraAllowed("/roll/0b9c3f4e-1d2a-4c5b-9e8f-7a6b5c4d3e2f/x"), cameraAllowed("/dashboard")]).toEqual([true, false, false]);
    expect(permissionsPolicy({ camera: true })).toMatch(/^camera=\(self\), /);
    expect(permissionsPolicy({ camera: false })).toMatch(/^camera=\(\), /);
  });
  it("believes X-Forwarded-Proto's first hop, else the URL", () => {
    const h = (v?: string) => new Headers(v ? { "x-forwarded-proto": v } : {});
    expect(cameOverHttps(h("https"), "http:")).toBe(true);
    expect(cameOverHttps(h("https, http"), "http:")).toBe(true);
    expect(cameOverHttps(h("http"), "http:")).toBe(false);
    expect(cameOverHttps(h(), "https:")).toBe(true);
    expect(cameOverHttps(h(), "http:")).toBe(false);
  });
});
