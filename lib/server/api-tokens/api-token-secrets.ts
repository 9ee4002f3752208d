import "server-only";
import { createHash, randomBytes } from "node:crypto";

// A machine client's token: 32 random bytes, base64url, behind a recognisable prefix (so a leaked
// token is easy to spot in logs and secret scanners). Stored only as its SHA-256: it is random,
// not a password a person chose, so a fast hash is enough.

export const API_TOKEN_PREFIX = "pst_";
export const API_TOKEN_SCOPES = ["payment-holds.read"] as const;
export type TApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function hashApiToken(token: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash("sha256").update(token, "utf8").digest());
}

/** Cheap shape check before any database work: the prefix and 43 base64url characters. */
export function looksLikeApiToken(token: string): boolean {
  return /^pst_[A-Za-z0-9_-]{43}$/.test(token);
}
