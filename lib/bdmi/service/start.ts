import type { KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { POOL_TIMEOUTS, SESSION_OPTIONS, resilient } from "../../db/pool-options";
import type { TLivenessThresholds } from "../contract";
import { faceEngine, faceWorkers, setFaceWorkers } from "./face-engine";
import { required } from "../../env.js";
import { loadPrivateKey, MAX_SKEW_SECONDS, trustedAgencies } from "../signing";
import { applyBdmiSchema } from "./schema";
import { createBdmiServer } from "./server";

export type TBdmiServiceOptions = {
  databaseUrl: string;
  serviceKey: KeyObject;
  trusted: Map<string, KeyObject>;
  /** 32-byte AES-256-GCM key for national IDs at rest. */
  dataKey: Buffer;
  /** 32-byte HMAC key for subject hashes. */
  subjectKey: Buffer;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  log?: (m: string) => void;
  poolMax?: number;
  /** Face match and liveness thresholds; faces.ts's defaults when absent. */
  thresholds?: TLivenessThresholds;
  /** Load the face models now, in the background, so the first liveness check is not slow (main.ts does). */
  warmFaces?: boolean;
  /** Face-inference worker threads (the pool is per process); face-engine.ts's default when absent. */
  faceWorkers?: number;
};

/** The service's keys from configuration (per-installation secrets in the demo). */
export function configuredServiceKeys(): Pick<TBdmiServiceOptions, "serviceKey" | "trusted" | "dataKey" | "subjectKey"> {
  return {
    serviceKey: loadPrivateKey(required("BDMI_SERVICE_PRIVATE_KEY")),
    trusted: trustedAgencies(required("BDMI_TRUSTED_AGENCIES")),
    dataKey: Buffer.from(required("BDMI_DATA_KEY"), "base64"),
    subjectKey: Buffer.from(required("BDMI_SUBJECT_KEY"), "base64"),
  };
}

export type TBdmiService = { url: string; port: number; pool: pg.Pool; close: () => Promise<void> };

/**
 * Starts the BDMI service in this process: applies its schema, listens, and purges expired nonces.
 * Used by `npm run bdmi` (main.ts), the integration tests and the benchmark.
 */
export async function startBdmiService(opts: TBdmiServiceOptions): Promise<TBdmiService> {
  for (const [name, k] of [["dataKey", opts.dataKey], ["subjectKey", opts.subjectKey]] as const) {
    if (k.length !== 32) throw new Error(`${name} must be 32 bytes`);
  }
  const log = opts.log ?? (() => {});
  const pool = resilient(new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolMax ?? 16, ...POOL_TIMEOUTS, ...SESSION_OPTIONS }));
  pool.on("error", (e) => log(`idle database connection failed: ${e.message}`));
  try {
    await applyBdmiSchema(pool, log);
  } catch (e) {
    await pool.end();
    throw e;
  }
  const server = createBdmiServer({
    pool,
    serviceKey: opts.serviceKey,
    trusted: opts.trusted,
    dataKey: opts.dataKey,
    subjectKey: opts.subjectKey,
    log,
    thresholds: opts.thresholds,
  });
  if (opts.faceWorkers !== undefined) setFaceWorkers(opts.faceWorkers);
  if (opts.warmFaces) {
    const t0 = performance.now();
    faceEngine().then(
      () => log(`face models loaded in ${faceWorkers()} worker thread(s) in ${Math.round(performance.now() - t0)} ms`),
      (e) => log(`face models failed to load: ${(e as Error).message}`),
    );
  }
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  // A nonce must be remembered for as long as its timestamp could still pass the skew check.
  const purge = setInterval(() => {
    pool
      .query("delete from bdmi.nonces where seen_at < now() - make_interval(secs => $1)", [2 * MAX_SKEW_SECONDS])
      .catch((e) => log(`nonce purge failed: ${(e as Error).message}`));
  }, 60_000);
  purge.unref();

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    pool,
    close: () =>
      (closing ??= (async () => {
        clearInterval(purge);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await pool.end();
      })()),
  };
}
