import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { HASH_SIZE, type THash } from "./merkle";

// Checkpoints in the C2SP tlog-checkpoint format, signed as a C2SP signed note with Ed25519:
//
//   <origin>\n<tree size>\n<base64 root hash>\n      ← the body, which the signature covers
//   \n
//   — <key name> <base64(key id ‖ signature)>\n
//
// key id = SHA-256(<key name> ‖ 0x0A ‖ 0x01 ‖ 32-byte Ed25519 public key)[0:4] (0x01: Ed25519).

export type TCheckpoint = { origin: string; size: number; root: THash };
export type TSignedCheckpoint = TCheckpoint & { note: string; signature: Buffer; keyId: Buffer };

export class CheckpointError extends Error {}

const SIG_PREFIX = "\u2014 ";

export function checkpointBody(c: TCheckpoint): string {
  if (!c.origin || /[\n]/.test(c.origin)) throw new CheckpointError("the origin must be one non-empty line");
  if (c.root.length !== HASH_SIZE) throw new CheckpointError("the root must be a SHA-256 hash");
  return `${c.origin}\n${c.size}\n${Buffer.from(c.root).toString("base64")}\n`;
}

/** The raw 32-byte Ed25519 public key of a KeyObject. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: "jwk" });
  if (jwk.crv !== "Ed25519" || !jwk.x) throw new CheckpointError("the checkpoint key must be Ed25519");
  return Buffer.from(jwk.x, "base64url");
}

export function noteKeyId(name: string, publicKey: KeyObject): Buffer {
  return createHash("sha256")
    .update(Buffer.concat([Buffer.from(name, "utf8"), Buffer.from([0x0a, 0x01]), rawPublicKey(publicKey)]))
    .digest()
    .subarray(0, 4);
}

/** Signs a checkpoint; the key name is the origin, as C2SP checkpoints customarily do. */
export function signCheckpoint(c: TCheckpoint, privateKey: KeyObject): TSignedCheckpoint {
  const body = checkpointBody(c);
  const publicKey = createPublicKey(privateKey);
  const keyId = noteKeyId(c.origin, publicKey);
  const signature = sign(null, Buffer.from(body, "utf8"), privateKey);
  const note = `${body}\n${SIG_PREFIX}${c.origin} ${Buffer.concat([keyId, signature]).toString("base64")}\n`;
  return { ...c, note, signature, keyId };
}

/** Parses a signed checkpoint note without trusting it (nothing here checks the signature). */
export function parseCheckpointNote(note: string): { body: string; checkpoint: TCheckpoint; signatures: { name: string; keyId: Buffer; signature: Buffer }[] } {
  const sep = note.indexOf("\n\n");
  if (sep < 0) throw new CheckpointError("not a signed note: no blank line before the signatures");
  const body = note.slice(0, sep + 1);
  const lines = body.split("\n");
  if (lines.length < 4) throw new CheckpointError("a checkpoint has an origin, a size and a root");
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw new CheckpointError("bad tree size");
  const root = Buffer.from(rootText, "base64");
  if (root.length !== HASH_SIZE || root.toString("base64") !== rootText) throw new CheckpointError("bad root hash");
  const sigText = note.slice(sep + 2);
  if (!sigText.endsWith("\n")) throw new CheckpointError("a signed note ends with a newline");
  const signatures = sigText
    .slice(0, -1)
    .split("\n")
    .map((l) => {
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(l);
      if (!m) throw new CheckpointError("bad signature line");
      const raw = Buffer.from(m[2]!, "base64");
      if (raw.length < 5) throw new CheckpointError("signature too short");
      return { name: m[1]!, keyId: raw.subarray(0, 4), signature: raw.subarray(4) };
    });
  return { body, checkpoint: { origin, size: Number(sizeText), root }, signatures };
}

/**
 * Verifies a signed checkpoint against a public key the verifier already holds (never one the
 * server sends along) and the origin it expects. Returns the checkpoint; throws CheckpointError.
 */
export function verifyCheckpoint(note: string, publicKey: KeyObject, expectedOrigin: string): TCheckpoint {
  const { body, checkpoint, signatures } = parseCheckpointNote(note);
  if (checkpoint.origin !== expectedOrigin) throw new CheckpointError(`unexpected origin "${checkpoint.origin}"`);
  const keyId = noteKeyId(expectedOrigin, publicKey);
  const mine = signatures.filter((s) => s.name === expectedOrigin && s.keyId.equals(keyId));
  if (!mine.length) throw new CheckpointError("no signature by the expected key");
  if (!mine.some((s) => s.signature.length === 64 && verify(null, Buffer.from(body, "utf8"), publicKey, s.signature))) {
    throw new CheckpointError("the checkpoint signature does not verify");
  }
  return checkpoint;
}
