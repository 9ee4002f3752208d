import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { hash } from "@node-rs/argon2";
import { test as base, expect, type Page } from "@playwright/test";
import type { TRole } from "../lib/auth/permissions";
import { prisma, useDatabaseUrl } from "../lib/db/client";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { env } from "../lib/env.js";
import { systemActor } from "../lib/server/actor";
import { createPensioner } from "../lib/server/pensioners/create-pensioner";
import { sealTotpSecret } from "../lib/server/users/second-factor-store";
import { newTotpSecret, totpCode } from "../lib/auth/second-factor";
import { uniqueNationalId } from "../test/fixtures";

// Joins the embedded PostgreSQL that `npm start` (Playwright's webServer) runs on the same DATA_DIR.
let ready: Promise<void> | null = null;
function db() {
  ready ??= startEmbeddedPostgres(env.DATA_DIR).then((d) => useDatabaseUrl(d.url));
  return ready;
}

export type TTestUser = { id: string; username: string; password: string; role: TRole; regions: string[]; totpSecret?: string };

type TFixtures = {
  users: { create: (role: TRole, regions?: string[]) => Promise<TTestUser> };
  pensioners: {
    create: (county: string, over?: Record<string, unknown>) => Promise<{ id: string; nationalId: string; name: string }>;
    /** A valid ID number in the county that is not on the roll, with its birth date. */
    freshId: (county: string) => Promise<{ nationalId: string; birth: string }>;
  };
};

/** Per-test data (cal.com fixtures): users and pensioners made in the real database, removed afterwards. */
export const test = base.extend<TFixtures>({
  // Every page of every test runs under the real Content-Security-Policy (proxy.ts): anything it
  // blocks (Chromium reports each refusal on the console) fails the test that met it.
  page: async ({ page }, use) => {
    const refused: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(`${page.url()}: ${m.text().slice(0, 300)}`);
    });
    await use(page);
    expect(refused, "Content-Security-Policy violations").toEqual([]);
  },
  users: async ({}, use) => {
    await db();
    const made: string[] = [];
    await use({
      async create(role, regions = ["5201"]) {
        const username = `e2e-${role}-${randomUUID().slice(0, 8)}`;
        const password = `pw-${randomUUID()}`;
        // Supervisors and admins must have a second factor: theirs is enrolled here, and signIn types its codes.
        const totpSecret = role === "officer" ? undefined : newTotpSecret();
        const sealed = totpSecret ? sealTotpSecret(totpSecret) : null;
        const u = await prisma().user.create({
          data: {
            username,
            displayName: `测试${role}`,
            role,
            passwordHash: await hash(password),
            ...(sealed ? { totpSecretCipher: sealed.cipher, totpKeyVersion: sealed.keyVersion, totpEnabledAt: new Date() } : {}),
            regions: { create: regions.map((regionCode) => ({ regionCode })) },
          },
          select: { id: true },
        });
        made.push(u.id);
        return { id: u.id, username, password, role, regions, totpSecret };
      },
    });
    await prisma().user.deleteMany({ where: { id: { in: made } } });
  },
  pensioners: async ({}, use) => {
    await db();
    const freshId = async (county: string) => {
      const { id, birth } = await uniqueNationalId(county, "female");
      return { nationalId: id, birth };
    };
    await use({
      freshId,
      async create(county, over = {}) {
        const { nationalId, birth } = await freshId(county);
        const name = (over.name as string) ?? `测试${randomUUID().slice(0, 4)}`;
        const actor = { ...systemActor(), role: "admin" as const, regions: ["52"] };
        const p = await createPensioner(
          actor,
          { nationalId, name, sex: "female", birthDate: birth, regionCode: county, address: "测试地址 1 号", phone: "13800000000", scheme: "enterprise", monthlyPensionFen: 250000, paymentStatus: "active", enrolledOn: "2010-01-01", ...over },
          "zh-CN",
        );
        return { id: p.id, nationalId, name };
      },
    });
    // Pensioners stay: their audit events are append-only history, and no test counts the roll.
  },
});

/** Waits until the demo's first-start history (runs and decided cases) is complete. */
export async function demoHistoryDone(timeoutMs = 300_000): Promise<void> {
  const file = path.join(env.DATA_DIR, "demo-history.done");
  const end = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > end) throw new Error(`the demo history did not finish within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// A TOTP code is good once: each sign-in of a user takes the next time step not yet used (the
// server accepts one step ahead), waiting when two steps ahead would be needed.
const lastStep = new Map<string, number>();
export async function nextTotpCode(username: string, secret: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const step = Math.max(now, (lastStep.get(username) ?? -1) + 1);
    if (step <= now + 1) {
      lastStep.set(username, step);
      return totpCode(secret, step * 30);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Fills the sign-in form (username or email, password) and submits it; what follows is the caller's to check. */
export async function submitSignIn(page: Page, login: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("用户名").fill(login);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

/** Signs in through the real form, as a person would, typing the authenticator's code when asked. */
export async function signIn(page: Page, user: { username: string; password: string; totpSecret?: string }) {
  await submitSignIn(page, user.username, user.password);
  if (user.totpSecret) {
    await page.getByLabel("验证码").fill(await nextTotpCode(user.username, user.totpSecret));
    await page.getByRole("button", { name: "登录" }).click();
  }
  await expect(page).not.toHaveURL(/sign-in/);
}

export { expect };
