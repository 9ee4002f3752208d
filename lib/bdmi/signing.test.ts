import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { H, loadPrivateKey, loadPublicKey, MAX_SKEW_SECONDS, SignatureError, signRequest, signResponse, trustedAgencies, verifyRequest, verifyResponse } from "./signing";

const agency = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519");
const service = generateKeyPairSync("ed25519");
const now = new Date("2026-11-03T08:00:00Z");
const body = JSON.stringify({ nationalIds: ["520102194503151234"] });
const path = "/v1/subjects";

function signed(over: Partial<Parameters<typeof signRequest>[0]> = {}) {
  return signRequest({ method: "POST", pathWithQuery: path, body, agencyId: "gz-hrss", key: agency.privateKey, now, ...over });
}

function verify(headers: Record<string, string>, over: Partial<Parameters<typeof verifyRequest>[0]> = {}) {
  return verifyRequest({
    method: "POST",
    pathWithQuery: path,
    body,
    header: (n) => headers[n],
    publicKeyFor: (a) => (a === "gz-hrss" ? agency.publicKey : undefined),
    now,
    ...over,
  });
}

function reason(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SignatureError) return e.reason;
    throw e;
  }
  return "accepted";
}

describe("request signatures", () => {
  it("round-trips, with the nonce and timestamp to remember", () => {
    const h = signed({ nonce: "n".repeat(24) });
    expect(verify(h)).toEqual({ agencyId: "gz-hrss", nonce: "n".repeat(24), timestamp: now.getTime() / 1000 });
    // A body hashed while it streamed in verifies the same way.
    expect(verify(h, { body: undefined, bodySha256: h[H.contentSha256] }).agencyId).toBe("gz-hrss");
  });

  it("round-trips through base64 DER keys, as configured in the environment", () => {
    const priv = loadPrivateKey(agency.privateKey.export({ type: "pkcs8", format: "der" }).toString("base64"));
    const pub = loadPublicKey(agency.publicKey.export({ type: "spki", format: "der" }).toString("base64"));
    const h = signed({ key: priv });
    expect(verify(h, { publicKeyFor: () => pub }).agencyId).toBe("gz-hrss");
    const m = trustedAgencies(`gz-hrss:${agency.publicKey.export({ type: "spki", format: "der" }).toString("base64")}`);
    expect(verify(h, { publicKeyFor: (a) => m.get(a) }).agencyId).toBe("gz-hrss");
  });

  it("refuses each kind of bad request for its own reason", () => {
    const h = signed();
    const without = (name: string) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== name));
    expect(reason(() => verify(without(H.signature)))).toBe("missing-header");
    expect(reason(() => verify(without(H.nonce)))).toBe("missing-header");
    expect(reason(() => verify(without(H.timestamp)))).toBe("missing-header");
    expect(reason(() => verify(without(H.agency)))).toBe("missing-header");
    expect(reason(() => verify({ ...h, [H.agency]: "someone" }))).toBe("unknown-agency");
    expect(reason(() => verify(h, { now: new Date(now.getTime() + (MAX_SKEW_SECONDS + 1) * 1000) }))).toBe("clock-skew");
    expect(reason(() => verify(h, { now: new Date(now.getTime() - (MAX_SKEW_SECONDS + 1) * 1000) }))).toBe("clock-skew");
    expect(reason(() => verify(h, { now: new Date(now.getTime() + MAX_SKEW_SECONDS * 1000) }))).toBe("accepted");
    expect(reason(() => verify({ ...h, [H.timestamp]: "soon" }))).toBe("clock-skew");
    expect(reason(() => verify(h, { body: body + " " }))).toBe("body-hash");
    // A tampered body with a matching hash header: the signature itself fails.
    const { [H.contentSha256]: _, ...noHash } = h;
    expect(reason(() => verify(noHash, { body: body + " " }))).toBe("bad-signature");
    expect(reason(() => verify(h, { pathWithQuery: "/v1/assessments" }))).toBe("bad-signature");
    expect(reason(() => verify(h, { method: "PUT" }))).toBe("bad-signature");
    expect(reason(() => verify({ ...h, [H.nonce]: "another-nonce-1234567" }))).toBe("bad-signature");
    expect(reason(() => verify({ ...h, [H.nonce]: "short" }))).toBe("bad-signature");
    expect(reason(() => verify(signed({ key: other.privateKey })))).toBe("bad-signature");
    expect(reason(() => verify({ ...h, [H.signature]: Buffer.alloc(64).toString("base64") }))).toBe("bad-signature");
  });
});

describe("response signatures", () => {
  const nonce = "request-nonce-123456";
  const res = '{"ok":true}';
  const h = signResponse({ status: 200, requestNonce: nonce, body: res, key: service.privateKey, now });
  const check = (over: Partial<Parameters<typeof verifyResponse>[0]> = {}) =>
    reason(() => verifyResponse({ status: 200, requestNonce: nonce, body: res, header: (n) => h[n], key: service.publicKey, ...over }));

  it("round-trips", () => expect(check()).toBe("accepted"));

  it("binds the status, the request's nonce, the body and the key", () => {
    expect(check({ status: 500 })).toBe("bad-signature");
    expect(check({ requestNonce: "some-other-request-01" })).toBe("bad-signature");
    expect(check({ body: '{"ok":false}' })).toBe("bad-signature");
    expect(check({ key: other.publicKey })).toBe("bad-signature");
    expect(check({ header: (n) => (n === H.signature ? undefined : h[n]) })).toBe("missing-header");
  });
});
