// The one module that reads process.env (conventions: create-t3-app's env.js). Plain ESM so that
// next.config.mjs can import it and a bad environment fails the build and the start.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const dataDir = path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR ?? ".data");

/**
 * Embedded mode (no DATABASE_URL): secrets are generated once per installation and kept in the
 * git-ignored data folder, so a fresh clone runs with no configuration. With DATABASE_URL set,
 * every secret must come from the real environment.
 */
function loadInstallationSecrets() {
  if (process.env.DATABASE_URL && process.env.PENSION_EMBEDDED !== "1") return;
  const file = path.join(dataDir, "secrets.json");
  let secrets;
  if (existsSync(file)) {
    secrets = JSON.parse(readFileSync(file, "utf8"));
  } else {
    secrets = {
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      PII_KEYS: `1:${randomBytes(32).toString("base64")}`,
      PII_HMAC_KEY: randomBytes(32).toString("base64"),
    };
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  for (const [k, v] of Object.entries(secrets)) process.env[k] ??= v;
}
loadInstallationSecrets();

const base64Key = z
  .string()
  .refine((s) => Buffer.from(s, "base64").length === 32, "must be 32 bytes, base64-encoded");

const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  PENSION_EMBEDDED: z.enum(["0", "1"]).default("0"),
  DATA_DIR: z.string().default(dataDir),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  AUTH_SECRET: z.string().min(32),
  /** Versioned AES-256-GCM keys for national ID numbers: "1:<base64>,2:<base64>". */
  PII_KEYS: z
    .string()
    .transform((s, ctx) => {
      const keys = new Map();
      for (const part of s.split(",")) {
        const [v, k] = part.split(":");
        const version = Number(v);
        if (!Number.isInteger(version) || version < 1 || !k || Buffer.from(k, "base64").length !== 32) {
          ctx.addIssue({ code: "custom", message: "PII_KEYS entries must be <version>:<32-byte base64 key>" });
          return z.NEVER;
        }
        keys.set(version, Buffer.from(k, "base64"));
      }
      return keys;
    }),
  /** Which PII key version encrypts new data; defaults to the highest. */
  PII_KEY_CURRENT: z.coerce.number().int().min(1).optional(),
  PII_HMAC_KEY: base64Key,
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(30),
  SIGN_IN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  SESSION_HOURS: z.coerce.number().int().min(1).default(12),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

const parsed = ZEnv.safeParse(process.env);
if (!parsed.success) {
  const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
  throw new Error(`Invalid environment:\n${lines}`);
}

/** @type {z.infer<typeof ZEnv>} */
export const env = parsed.data;

/** Variables to hand to child processes (app, worker) started by the launcher. */
export function childEnv(extra = {}) {
  return { NEXT_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1", ...process.env, ...extra };
}

/** Settings of the test harness (Playwright). Chromium is Debian's unless CHROMIUM_PATH says otherwise; empty means Playwright's own. */
export const testEnv = {
  chromiumPath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  ci: process.env.CI === "true",
  e2ePort: Number(process.env.E2E_PORT ?? 3210),
};
