import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

// How the BDMI service holds national ID numbers: looked up by a keyed hash (the subject), kept
// encrypted at rest under its own key. Neither key is the platform's: BDMI is a separate party.

/** HMAC-SHA256(subjectKey, nationalId): the subject's identity in every bdmi table. */
export function subjectOf(subjectKey: Buffer, nationalId: string): Buffer {
  return createHmac("sha256", subjectKey).update(nationalId, "latin1").digest();
}

/** subjectOf as lowercase hex, straight from the digest. */
export function subjectHexOf(subjectKey: Buffer, nationalId: string): string {
  return createHmac("sha256", subjectKey).update(nationalId, "latin1").digest("hex");
}

// GCM nonces from a pool of CSPRNG bytes (as lib/server/pensioners/pii-crypto.ts does): a spent
// pool is replaced, never refilled in place, so no nonce repeats; enrolling 50k IDs then costs 13
// randomBytes calls instead of 50k.
const NONCE_BYTES = 12;
let pool = Buffer.alloc(0);
let at = 0;
function nextNonce(): Buffer {
  if (at + NONCE_BYTES > pool.length) {
    pool = randomBytes(NONCE_BYTES * 4096);
    at = 0;
  }
  at += NONCE_BYTES;
  return pool.subarray(at - NONCE_BYTES, at);
}

/** AES-256-GCM: 12-byte nonce | ciphertext | 16-byte tag. */
export function encryptId(dataKey: Buffer, nationalId: string): Buffer {
  const nonce = nextNonce();
  const c = createCipheriv("aes-256-gcm", dataKey, nonce);
  const body = Buffer.concat([c.update(nationalId, "latin1"), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

export function decryptId(dataKey: Buffer, cipher: Uint8Array): string {
  const buf = Buffer.from(cipher);
  const d = createDecipheriv("aes-256-gcm", dataKey, buf.subarray(0, NONCE_BYTES));
  d.setAuthTag(buf.subarray(buf.length - 16));
  return Buffer.concat([d.update(buf.subarray(NONCE_BYTES, buf.length - 16)), d.final()]).toString("latin1");
}
