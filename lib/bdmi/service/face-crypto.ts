import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Face templates at rest: the embedding as float32 bytes under AES-256-GCM with the service's data
// key, the subject as additional authenticated data, so a template cannot be moved to another
// subject's row without failing to decrypt.

const NONCE = 12;
const TAG = 16;

export function encryptTemplate(dataKey: Buffer, subject: Buffer, embedding: readonly number[]): Buffer {
  const nonce = randomBytes(NONCE);
  const c = createCipheriv("aes-256-gcm", dataKey, nonce);
  c.setAAD(subject);
  const plain = Buffer.from(new Float32Array(embedding).buffer);
  const body = Buffer.concat([c.update(plain), c.final()]);
  plain.fill(0);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

export function decryptTemplate(dataKey: Buffer, subject: Buffer, cipher: Uint8Array): number[] {
  const buf = Buffer.from(cipher);
  const d = createDecipheriv("aes-256-gcm", dataKey, buf.subarray(0, NONCE));
  d.setAAD(subject);
  d.setAuthTag(buf.subarray(buf.length - TAG));
  const plain = Buffer.concat([d.update(buf.subarray(NONCE, buf.length - TAG)), d.final()]);
  const out = Array.from(new Float32Array(plain.buffer, plain.byteOffset, plain.length / 4));
  plain.fill(0);
  return out;
}
