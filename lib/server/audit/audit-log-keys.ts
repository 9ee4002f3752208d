import "server-only";
import type { KeyObject } from "node:crypto";
import { env, required } from "../../env.js";
import { loadPrivateKey, loadPublicKey } from "../../bdmi/signing";

let cached: { privateKey?: KeyObject; publicKey?: KeyObject } = {};

/** The checkpoint signing key (AUDIT_CHECKPOINT_PRIVATE_KEY). */
export function checkpointPrivateKey(): KeyObject {
  return (cached.privateKey ??= loadPrivateKey(required("AUDIT_CHECKPOINT_PRIVATE_KEY")));
}

/** The public key checkpoints verify against (AUDIT_CHECKPOINT_PUBLIC_KEY), as auditors are given it. */
export function checkpointPublicKey(): KeyObject {
  return (cached.publicKey ??= loadPublicKey(required("AUDIT_CHECKPOINT_PUBLIC_KEY")));
}

export function auditLogOrigin(): string {
  return env.AUDIT_LOG_ORIGIN;
}

/** For tests that sign with a key of their own. */
export function resetAuditKeysForTests(): void {
  cached = {};
}
