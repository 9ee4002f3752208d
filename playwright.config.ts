import { defineConfig, devices } from "@playwright/test";
import { testEnv } from "./lib/env.js";

const baseURL = `http://localhost:${testEnv.e2ePort}`;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: testEnv.ci ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    // localhost, not 127.0.0.1: Auth.js rejects the CSRF cookie otherwise (environment.md).
    baseURL,
    trace: "retain-on-failure",
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: testEnv.chromiumPath || undefined,
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        },
      },
    },
  ],
  webServer: {
    // The real `npm start`: embedded Postgres, migrations, demo seed, production build, app + worker.
    command: "npm start",
    // Three months of demo history keep the first start short and still give the pages a past.
    // Loopback is the "proxy", so a test can speak from other addresses with X-Forwarded-For
    // (e2e/users.spec.ts, an attack from many addresses); the browser itself sends none.
    env: { NODE_OPTIONS: "", DEMO_HISTORY_MONTHS: "3", TRUSTED_PROXIES: "127.0.0.1, ::1" },
    url: `${baseURL}/sign-in`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
