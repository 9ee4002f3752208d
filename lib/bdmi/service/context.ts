import type { KeyObject } from "node:crypto";
import type pg from "pg";
import type { TLivenessThresholds } from "../contract";

/** What every part of the BDMI service works with; built once by startBdmiService. */
export type TBdmiContext = {
  pool: pg.Pool;
  /** The service's Ed25519 private key: signs every response. */
  serviceKey: KeyObject;
  /** Agency id → its Ed25519 public key: the only callers accepted. */
  trusted: Map<string, KeyObject>;
  /** AES-256-GCM key for national IDs at rest (32 bytes). */
  dataKey: Buffer;
  /** HMAC-SHA256 key that turns a national ID into a subject (32 bytes). */
  subjectKey: Buffer;
  log: (m: string) => void;
  /** Face match and liveness thresholds (configuration); the defaults of faces.ts when absent. */
  thresholds?: TLivenessThresholds;
};
