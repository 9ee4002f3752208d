import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from "node:crypto";

// Ed25519 signing of BDMI requests and responses. A request signature covers the method, the path
// with its query, a timestamp, a nonce and the body's SHA-256, so a captured request can be neither
// altered nor replayed (the service remembers nonces for longer than the allowed clock skew). A
// response signature covers the status, the request's nonce, a timestamp and the body's hash, so a
// response cannot be swapped for another one, even an authentic one to an earlier request.

export const SIGNATURE_VERSION = "BDMI-ED25519-V1";
export const MAX_SKEW_SECONDS = 300;

export const H = {
  agency: "bdmi-agency",
  timestamp: "bdmi-timestamp",
  nonce: "bdmi-nonce",
  contentSha256: "bdmi-content-sha256",
  signature: "bdmi-signature",
} as const;

export type THeaders = Record<string, string>;
export type THeaderLookup = (name: string) => string | null | undefined;

export class SignatureError extends Error {
  constructor(
    readonly reason: "missing-header" | "bad-signature" | "clock-skew" | "unknown-agency" | "body-hash",
    message: string,
  ) {
    super(message);
  }
}

export function loadPrivateKey(base64Der: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(base64Der, "base64"), format: "der", type: "pkcs8" });
}

export function loadPublicKey(base64Der: string): KeyObject {
  return createPublicKey({ key: Buffer.from(base64Der, "base64"), format: "der", type: "spki" });
}

export function sha256Hex(body: Uint8Array | string): string {
  return createHash("sha256").update(body).digest("hex");
}

function requestPayload(method: string, pathWithQuery: string, timestamp: string, nonce: string, bodyHash: string): Buffer {
  return Buffer.from([SIGNATURE_VERSION, method.toUpperCase(), pathWithQuery, timestamp, nonce, bodyHash].join("\n"));
}

function responsePayload(status: number, requestNonce: string, timestamp: string, bodyHash: string): Buffer {
  return Buffer.from([`${SIGNATURE_VERSION}-RESPONSE`, String(status), requestNonce, timestamp, bodyHash].join("\n"));
}

export function signRequest(opts: {
  method: string;
  pathWithQuery: string;
  body: Uint8Array | string;
  agencyId: string;
  key: KeyObject;
  now?: Date;
  nonce?: string;
}): THeaders {
  const timestamp = String(Math.floor((opts.now ?? new Date()).getTime() / 1000));
  const nonce = opts.nonce ?? randomBytes(18).toString("base64url");
  const bodyHash = sha256Hex(opts.body);
  const signature = sign(null, requestPayload(opts.method, opts.pathWithQuery, timestamp, nonce, bodyHash), opts.key).toString("base64");
  return {
    [H.agency]: opts.agencyId,
    [H.timestamp]: timestamp,
    [H.nonce]: nonce,
    [H.contentSha256]: bodyHash,
    [H.signature]: signature,
  };
}

function need(get: THeaderLookup, name: string): string {
  const v = get(name);
  if (!v) throw new SignatureError("missing-header", `the ${name} header is missing`);
  return v;
}

/**
 * Checks a request's signature, timestamp and body hash. Nonce reuse is the caller's to check
 * (it needs storage); the returned nonce is what to remember.
 */
export function verifyRequest(opts: {
  method: string;
  pathWithQuery: string;
  /** The body, or `bodySha256` when the body was hashed while it streamed in (evidence feeds). */
  body?: Uint8Array | string;
  bodySha256?: string;
  header: THeaderLookup;
  publicKeyFor: (agencyId: string) => KeyObject | undefined;
  now?: Date;
}): { agencyId: string; nonce: string; timestamp: number } {
  const agencyId = need(opts.header, H.agency);
  const timestamp = need(opts.header, H.timestamp);
  const nonce = need(opts.header, H.nonce);
  const signature = need(opts.header, H.signature);
  const key = opts.publicKeyFor(agencyId);
  if (!key) throw new SignatureError("unknown-agency", `agency "${agencyId}" is not trusted by this service`);
  const ts = Number(timestamp);
  if (!/^\d{1,12}$/.test(timestamp)) throw new SignatureError("clock-skew", "the timestamp must be Unix seconds");
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - ts) > MAX_SKEW_SECONDS) {
    throw new SignatureError("clock-skew", `the timestamp is ${now - ts} s off the service's clock (at most ${MAX_SKEW_SECONDS} s allowed)`);
  }
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) throw new SignatureError("bad-signature", "the nonce must be 16-64 base64url characters");
  if (opts.body === undefined && opts.bodySha256 === undefined) throw new Error("verifyRequest needs the body or its SHA-256");
  const bodyHash = opts.bodySha256 ?? sha256Hex(opts.body!);
  const claimed = opts.header(H.contentSha256);
  if (claimed && claimed !== bodyHash) throw new SignatureError("body-hash", "the body does not match its declared SHA-256");
  const ok = verify(null, requestPayload(opts.method, opts.pathWithQuery, timestamp, nonce, bodyHash), key, Buffer.from(signature, "base64"));
  if (!ok) throw new SignatureError("bad-signature", "the request signature does not verify");
  return { agencyId, nonce, timestamp: ts };
}

export function signResponse(opts: { status: number; requestNonce: string; body: Uint8Array | string; key: KeyObject; now?: Date }): THeaders {
  const timestamp = String(Math.floor((opts.now ?? new Date()).getTime() / 1000));
  const bodyHash = sha256Hex(opts.body);
  return {
    [H.timestamp]: timestamp,
    [H.contentSha256]: bodyHash,
    [H.signature]: sign(null, responsePayload(opts.status, opts.requestNonce, timestamp, bodyHash), opts.key).toString("base64"),
  };
}

/** Throws SignatureError unless the response was signed by the service for this very request. */
export function verifyResponse(opts: { status: number; requestNonce: string; body: Uint8Array | string; header: THeaderLookup; key: KeyObject }): void {
  const timestamp = need(opts.header, H.timestamp);
  const signature = need(opts.header, H.signature);
  const ok = verify(null, responsePayload(opts.status, opts.requestNonce, timestamp, sha256Hex(opts.body)), opts.key, Buffer.from(signature, "base64"));
  if (!ok) throw new SignatureError("bad-signature", "the BDMI response signature does not verify");
}

/** Parses "agencyId:<base64 SPKI>,…" into a lookup. */
export function trustedAgencies(spec: string): Map<string, KeyObject> {
  const m = new Map<string, KeyObject>();
  for (const part of spec.split(",").map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf(":");
    if (i < 1) throw new Error("BDMI_TRUSTED_AGENCIES entries must be agencyId:<base64 SPKI key>");
    m.set(part.slice(0, i), loadPublicKey(part.slice(i + 1)));
  }
  return m;
}
