import type { KeyObject } from "node:crypto";
import { CheckpointError, verifyCheckpoint, type TCheckpoint } from "./checkpoint";
import { eventLeafHash, type TLeafEvent } from "./leaf";
import { HASH_SIZE, verifyConsistency, verifyInclusion } from "./merkle";

// The verifier that trusts nothing the server says: it recomputes each leaf hash from the event's
// own fields, walks the proof to a root, and accepts only a root carried by a checkpoint signed by
// the key the verifier already holds, for the origin it expects.

export type TInclusionBundle = { event: TLeafEvent; leafIndex: number; treeSize: number; proof: string[]; checkpoint: string };
export type TConsistencyBundle = { from: string; to: string; proof: string[] };
export type TExportedEvent = { event: TLeafEvent; leafIndex: number | null; proof: string[] | null };
export type TAuditExport = { format: "gz-hrss.audit-export/v1"; origin: string; checkpoint: string | null; treeSize: number; events: TExportedEvent[] };

export type TVerdict = { ok: true; checkpoint: TCheckpoint } | { ok: false; reason: string };

function decodeProof(proof: unknown): Buffer[] | null {
  if (!Array.isArray(proof)) return null;
  const out: Buffer[] = [];
  for (const p of proof) {
    if (typeof p !== "string") return null;
    const b = Buffer.from(p, "base64");
    if (b.length !== HASH_SIZE || b.toString("base64") !== p) return null;
    out.push(b);
  }
  return out;
}

function checkpointOf(note: string, key: KeyObject, origin: string): TVerdict {
  try {
    return { ok: true, checkpoint: verifyCheckpoint(note, key, origin) };
  } catch (e) {
    if (e instanceof CheckpointError) return { ok: false, reason: `checkpoint: ${e.message}` };
    throw e;
  }
}

/** Is this event, exactly as given, leaf `leafIndex` of the signed checkpoint's tree? */
export function verifyInclusionBundle(b: TInclusionBundle, key: KeyObject, origin: string): TVerdict {
  const cp = checkpointOf(b.checkpoint, key, origin);
  if (!cp.ok) return cp;
  if (cp.checkpoint.size !== b.treeSize) return { ok: false, reason: `the proof is for tree size ${b.treeSize}, the checkpoint for ${cp.checkpoint.size}` };
  const proof = decodeProof(b.proof);
  if (!proof) return { ok: false, reason: "the proof is not a list of base64 SHA-256 hashes" };
  if (!Number.isSafeInteger(b.leafIndex)) return { ok: false, reason: "bad leaf index" };
  if (!verifyInclusion(b.leafIndex, b.treeSize, eventLeafHash(b.event), proof, cp.checkpoint.root)) {
    return { ok: false, reason: `event ${b.event.id} is not leaf ${b.leafIndex} of the tree of size ${b.treeSize}` };
  }
  return cp;
}

/** Are both checkpoints signed, and is the first tree a prefix of the second? */
export function verifyConsistencyBundle(b: TConsistencyBundle, key: KeyObject, origin: string): TVerdict {
  const from = checkpointOf(b.from, key, origin);
  if (!from.ok) return from;
  const to = checkpointOf(b.to, key, origin);
  if (!to.ok) return to;
  const proof = decodeProof(b.proof);
  if (!proof) return { ok: false, reason: "the proof is not a list of base64 SHA-256 hashes" };
  if (!verifyConsistency(from.checkpoint.size, to.checkpoint.size, from.checkpoint.root, to.checkpoint.root, proof)) {
    return { ok: false, reason: `the tree of size ${from.checkpoint.size} is not a prefix of the tree of size ${to.checkpoint.size}` };
  }
  return to;
}

/** Verifies an audit export: every sealed event against the export's checkpoint; pending events are counted. */
export function verifyAuditExport(x: TAuditExport, key: KeyObject, origin: string): { verified: number; pending: number; failures: string[] } {
  const failures: string[] = [];
  let verified = 0;
  let pending = 0;
  for (const e of x.events) {
    if (e.leafIndex === null) {
      pending++;
      continue;
    }
    if (!x.checkpoint) {
      failures.push(`event ${e.event.id}: sealed but the export has no checkpoint`);
      continue;
    }
    const v = verifyInclusionBundle({ event: e.event, leafIndex: e.leafIndex, treeSize: x.treeSize, proof: e.proof ?? [], checkpoint: x.checkpoint }, key, origin);
    if (v.ok) verified++;
    else failures.push(`event ${e.event.id}: ${v.reason}`);
  }
  return { verified, pending, failures };
}
