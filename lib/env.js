// The one module that reads process.env (conventions: create-t3-app's env.js). Plain ESM so that
// next.config.mjs can import it and a bad environment fails the build and the start.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { generateSecrets } from "./installation-secrets.js";

const dataDir = path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR ?? ".data");

/**
 * Embedded mode (no DATABASE_URL): secrets are generated once per installation and kept in the
 * git-ignored data folder, so a fresh clone runs with no configuration. With DATABASE_URL set,
 * every secret must come from the real environment.
 */
function loadInstallationSecrets() {
  if (process.env.DATABASE_URL && process.env.PENSION_EMBEDDED !== "1") return;
  const file = path.join(dataDir, "secrets.json");
  const existing = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const fresh = generateSecrets();
  // An installation from an earlier version gains the secrets it lacks; it never loses one.
  const missing = Object.keys(fresh).filter((k) => !(k in existing));
  const secrets = { ...existing };
  if (missing.length) {
    // Key pairs are generated together: take both halves from the same fresh pair.
    if (missing.some((k) => k === "BDMI_AGENCY_PRIVATE_KEY" || k === "BDMI_TRUSTED_AGENCIES")) {
      secrets.BDMI_AGENCY_PRIVATE_KEY = fresh.BDMI_AGENCY_PRIVATE_KEY;
      secrets.BDMI_TRUSTED_AGENCIES = fresh.BDMI_TRUSTED_AGENCIES;
    }
    if (missing.some((k) => k === "BDMI_SERVICE_PRIVATE_KEY" || k === "BDMI_SERVICE_PUBLIC_KEY")) {
      secrets.BDMI_SERVICE_PRIVATE_KEY = fresh.BDMI_SERVICE_PRIVATE_KEY;
      secrets.BDMI_SERVICE_PUBLIC_KEY = fresh.BDMI_SERVICE_PUBLIC_KEY;
    }
    if (missing.some((k) => k === "AUDIT_CHECKPOINT_PRIVATE_KEY" || k === "AUDIT_CHECKPOINT_PUBLIC_KEY")) {
      secrets.AUDIT_CHECKPOINT_PRIVATE_KEY = fresh.AUDIT_CHECKPOINT_PRIVATE_KEY;
      secrets.AUDIT_CHECKPOINT_PUBLIC_KEY = fresh.AUDIT_CHECKPOINT_PUBLIC_KEY;
    }
    for (const k of missing) secrets[k] ??= fresh[k];
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
  /**
   * The embedded PostgreSQL's buffer cache and checkpoint spacing. PostgreSQL's defaults (128MB,
   * 1GB) are sized for a small shared host: a monthly run over a million pensioners then reads its
   * indexes and evidence back from the OS cache page by page and checkpoints every few seconds,
   * writing each touched page in full to the WAL again. Memory is only taken as pages are used.
   */
  EMBEDDED_PG_SHARED_BUFFERS: z.string().regex(/^\d+(kB|MB|GB)$/).default("1GB"),
  EMBEDDED_PG_MAX_WAL_SIZE: z.string().regex(/^\d+(MB|GB)$/).default("8GB"),
  DATA_DIR: z.string().default(dataDir),
  /** On SIGTERM the app server lets in-flight requests finish for at most this long. */
  APP_DRAIN_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  /** How long a request waits for a database connection before answering 503. */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
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
  // Sign-in throttling (NIST SP 800-63B 5.2.2): failures within the window beyond the free ones
  // make the next try wait, doubling from 1 s up to the maximum delay; never a lockout.
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(30),
  SIGN_IN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  SIGN_IN_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Reverse proxies whose X-Forwarded-For is believed: comma-separated IPs or CIDRs. None by default. */
  TRUSTED_PROXIES: z.string().default(""),
  /** Officers must enrol a second factor too (supervisors and admins always must). */
  TOTP_REQUIRED_FOR_OFFICERS: z.enum(["0", "1"]).default("0"),
  /** How long a one-time password from an admin stays valid. */
  ONE_TIME_PASSWORD_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  SESSION_HOURS: z.coerce.number().int().min(1).default(12),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),

  // The BDMI scoring service. Keys are base64 DER (PKCS#8 private, SPKI public) Ed25519 keys.
  // Each is optional here and required where it is used: the platform needs the agency's private
  // key and the service's public key; the service needs its private key and the trusted agencies.
  BDMI_URL: z.string().url().optional(),
  BDMI_HOST: z.string().default("127.0.0.1"),
  BDMI_PORT: z.coerce.number().int().min(1).max(65535).default(4100),
  BDMI_AGENCY_ID: z.string().min(1).default("gz-hrss"),
  BDMI_AGENCY_PRIVATE_KEY: z.string().optional(),
  BDMI_SERVICE_PUBLIC_KEY: z.string().optional(),
  BDMI_SERVICE_PRIVATE_KEY: z.string().optional(),
  /** "agencyId:<base64 SPKI>,…": the agencies whose signed requests the service accepts. */
  BDMI_TRUSTED_AGENCIES: z.string().optional(),
  /** The service's at-rest key for national IDs and its key for subject lookup hashes. */
  BDMI_DATA_KEY: base64Key.optional(),
  BDMI_SUBJECT_KEY: base64Key.optional(),
  /** The service's database; defaults to DATABASE_URL (its tables live in their own schema). */
  BDMI_DATABASE_URL: z.string().url().optional(),
  BDMI_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  BDMI_RETRIES: z.coerce.number().int().min(0).default(3),
  // BDMI's face matching (the reference service): cosine similarity of Human's faceres embeddings;
  // at or above MATCH a pass, from REVIEW up to MATCH a review, below REVIEW a fail (README, Face matching).
  BDMI_MATCH_THRESHOLD: z.coerce.number().min(0).max(1).default(0.7),
  BDMI_MATCH_REVIEW_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
  /** Human's liveness and anti-spoof scores (0..1, mean over the frames) below these send a check to review. */
  BDMI_LIVENESS_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  BDMI_ANTISPOOF_THRESHOLD: z.coerce.number().min(0).max(1).default(0.3),
  /** Face-inference worker threads of the BDMI service, each with its own Human; unset: one a core, at most 8. */
  BDMI_FACE_WORKERS: z.coerce.number().int().min(1).max(64).optional(),

  // The kiosk: enrolment codes' lifetime, and the HMAC key of the QR check tokens (base64, 32 bytes).
  KIOSK_ENROL_CODE_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  KIOSK_QR_KEY: base64Key.optional(),
  // Rate limits (per 5 minutes): enrolment-code exchanges per address; identify per device and per address.
  KIOSK_ENROL_PER_IP: z.coerce.number().int().min(1).default(20),
  KIOSK_IDENTIFY_PER_DEVICE: z.coerce.number().int().min(1).default(60),
  KIOSK_IDENTIFY_PER_IP: z.coerce.number().int().min(1).default(200),

  // The verifiable audit trail: checkpoints of the Merkle log are signed with this Ed25519 pair
  // (base64 DER: PKCS#8 private, SPKI public) under this origin; the worker seals every few seconds.
  AUDIT_CHECKPOINT_PRIVATE_KEY: z.string().optional(),
  AUDIT_CHECKPOINT_PUBLIC_KEY: z.string().optional(),
  AUDIT_LOG_ORIGIN: z.string().min(1).regex(/^\S+$/, "one word, no spaces").default("gz-hrss.pension/audit/v1"),
  AUDIT_SEAL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  AUDIT_SEAL_BATCH: z.coerce.number().int().min(1).max(200_000).default(50_000),
  /** Each checkpoint is anchored by a transfer of this many base units from this province's bureau to the operator. */
  AUDIT_ANCHOR_PROVINCE: z.string().regex(/^[0-9]{2}$/).default("52"),
  AUDIT_ANCHOR_FEE: z.coerce.bigint().min(1n).default(1n),

  // The NEO N3 ledger adapter (LEDGER_ADAPTER=neo): a node's JSON-RPC URL, its network magic
  // (MainNet 860833102, TestNet 894710606), the TKY NEP-17 contract hash, the bureau's key (WIF or
  // 64 hex digits) and the payees' addresses. Each is required only when that adapter is chosen.
  NEO_RPC_URL: z.string().url().optional(),
  NEO_NETWORK_MAGIC: z.coerce.number().int().min(0).max(0xffffffff).default(894710606),
  NEO_TKY_CONTRACT: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed contract hash").optional(),
  NEO_BUREAU_WIF: z.string().regex(/^([1-9A-HJ-NP-Za-km-z]{52}|[0-9a-fA-F]{64})$/, "must be a WIF or 64 hex digits").optional(),
  NEO_OPERATOR_ADDRESS: z.string().optional(),
  NEO_PROVIDER_ADDRESS: z.string().optional(),
  /** A signed transaction is valid for this many blocks (15 s each on N3); after that it is re-signed. */
  NEO_VALID_BLOCKS: z.coerce.number().int().min(2).max(5760).default(240),
  NEO_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),

  // The monthly run.
  RUN_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(5000),
  RUN_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /**
   * The worker's OS priority (nice, 0–19): its batch work (monthly runs, rollups, seals,
   * settlement) yields the CPU to the app's interactive requests on a shared machine. 0 keeps it equal.
   */
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** How long a worker's claim on a run lasts without renewal; a killed worker's run resumes after it. */
  RUN_LEASE_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Pensioners of this age or more get a kiosk check every run (0 turns the cohort off). */
  RUN_COHORT_MIN_AGE: z.coerce.number().int().min(0).default(80),
  /** Months of demo evidence and past runs the demo's first start creates (0: none). */
  // Cases, payments and the dashboard (issue 6).
  /** Days after a check's due date before it expires and opens an overdue case. */
  CASE_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  /** Days a pensioner has to appeal a suspension (printed on the notice). */
  APPEAL_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  /** The price of 1 TKY in fen, for the dashboard's return (savings ÷ fees). */
  TKY_PRICE_FEN: z.coerce.bigint().min(0n).default(50n),
  /** How often the worker rebuilds the dashboard's rollups of changed periods. */
  ROLLUP_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** A CJK font (TTF/OTF/TTC) for printed notices; unset: Noto Sans SC from the npm dependency @expo-google-fonts/noto-sans-sc. */
  NOTICE_FONT_PATH: z.string().default(""),
  /** The font's name inside a TTC collection. */
  NOTICE_FONT_NAME: z.string().default("NotoSansCJKsc-Regular"),
  DEMO_HISTORY_MONTHS: z.coerce.number().int().min(0).max(36).default(12),

  // The TKY ledger and fee settlement (issue 5).
  /** Which ledger settles fees: the embedded double-entry ledger in Postgres, or NEO N3. */
  LEDGER_ADAPTER: z.enum(["embedded", "neo"]).default("embedded"),
  /** Account codes; a province's bureau pays from "<LEDGER_BUREAU_PREFIX><province code>". */
  LEDGER_BUREAU_PREFIX: z.string().min(1).default("bureau:"),
  LEDGER_OPERATOR_ACCOUNT: z.string().min(1).default("operator:thekey"),
  LEDGER_PROVIDER_ACCOUNT: z.string().min(1).default("provider:data"),
  /** The embedded ledger's issuer: the one account allowed to go negative (demo and test funding). */
  LEDGER_ISSUER_ACCOUNT: z.string().min(1).default("issuer:tky"),
  /** A bureau's balance warns when below the fees of this many recent days, or below LEDGER_LOW_BALANCE_TKY. */
  LEDGER_LOW_BALANCE_DAYS: z.coerce.number().int().min(0).default(30),
  LEDGER_LOW_BALANCE_TKY: z.coerce.number().int().min(0).default(10_000),
  /** Whole TKY the demo seed funds the demo province's bureau with (0: none). */
  LEDGER_DEMO_FUNDING_TKY: z.coerce.number().int().min(0).default(1_000_000),
  /** Settlements the worker claims at a time, how often it looks for due ones, and its claim's lease. */
  SETTLE_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  SETTLE_POLL_MS: z.coerce.number().int().min(10).default(1000),
  SETTLE_LEASE_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Backoff after a ledger outage or a blocked settlement: doubles from 1 s up to this. */
  SETTLE_MAX_BACKOFF_SECONDS: z.coerce.number().int().min(1).default(300),
});

const parsed = ZEnv.safeParse(process.env);
if (!parsed.success) {
  const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
  throw new Error(`Invalid environment:\n${lines}`);
}

/** @type {z.infer<typeof ZEnv>} */
export const env = parsed.data;

/** The BDMI service's base URL as the platform sees it. */
export function bdmiUrl() {
  return env.BDMI_URL ?? `http://${env.BDMI_HOST}:${env.BDMI_PORT}`;
}

/**
 * A setting that is optional in general but required by the caller; fails with its name.
 * @template {keyof typeof env} K
 * @param {K} name
 * @returns {NonNullable<(typeof env)[K]>}
 */
export function required(name) {
  const v = env[name];
  if (v === undefined || v === "") throw new Error(`${name} is not set (see README, Configuration)`);
  return /** @type {NonNullable<(typeof env)[K]>} */ (v);
}

/** Variables to hand to child processes (app, worker) started by the launcher. */
export function childEnv(extra = {}) {
  return { NEXT_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1", ...process.env, ...extra };
}

/** Settings of the test harness (Playwright). Chromium is Debian's unless CHROMIUM_PATH says otherwise; empty means Playwright's own. */
export const testEnv = {
  chromiumPath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  ci: process.env.CI === "true",
  e2ePort: Number(process.env.E2E_PORT ?? 3210),
  /** A PostgreSQL server (≥ 15) for the integration suite, which creates and drops its own database there; unset: an embedded one. */
  databaseUrl: process.env.TEST_DATABASE_URL || undefined,
};
