import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { env } from "../../env.js";

// Layout of an encrypted value: 12-byte nonce | ciphertext | 16-byte GCM tag. The key version is
// stored in its own column so keys can rotate without touching old rows.
const currentVersion = env.PII_KEY_CURRENT ?? Math.max(...env.PII_KEYS.keys());
const currentKey = env.PII_KEYS.get(currentVersion);
if (!currentKey) throw new Error(`PII_KEY_CURRENT=${currentVersion} has no key in PII_KEYS`);
const hmacKey = Buffer.from(env.PII_HMAC_KEY, "base64");

/** Prisma wants plain ArrayBuffer-backed bytes, not Node's pooled Buffer views. */
const bytes = (b: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.length);

// GCM nonces come from a pool of CSPRNG bytes: one randomBytes call per row costs more than the
// encryption itself in a million-row import. Each 12-byte slice is used once, and a spent pool is
// replaced, never refilled in place, so no nonce can repeat.
const NONCE_BYTES = 12;
let noncePool = Buffer.alloc(0);
let nonceAt = 0;
function nextNonce(): Buffer {
  if (nonceAt + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_BYTES * 4096);
    nonceAt = 0;
  }
  nonceAt += NONCE_BYTES;
  return noncePool.subarray(nonceAt - NONCE_BYTES, nonceAt);
}

export function encryptPii(plain: string): { cipher: Uint8Array<ArrayBuffer>; keyVersion: number } {
  const nonce = nextNonce();
  const c = createCipheriv("aes-256-gcm", currentKey!, nonce);
  const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return { cipher: bytes(Buffer.concat([nonce, body, c.getAuthTag()])), keyVersion: currentVersion };
}

export function decryptPii(cipher: Uint8Array, keyVersion: number): string {
  const key = env.PII_KEYS.get(keyVersion);
  if (!key) throw new Error(`no PII key for version ${keyVersion}`);
  const buf = Buffer.from(cipher);
  const d = createDecipheriv("aes-256-gcm", key, buf.subarray(0, 12));
  d.setAuthTag(buf.subarray(buf.length - 16));
  return Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]).toString("utf8");
}

/** Deterministic keyed hash for exact lookup of an ID number without decrypting anything. */
export function piiHmac(plain: string): Uint8Array<ArrayBuffer> {
  return bytes(createHmac("sha256", hmacKey).update(plain, "utf8").digest());
}
