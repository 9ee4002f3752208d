import { NextRequest } from "next/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { MAX_JSON_BODY_BYTES } from "./request-guard";

// The request rules at the level of the route wrappers, with only the session and the kiosk device
// lookup stood in for: a real NextRequest goes through withRoute / withKioskRoute as Next.js would
// hand it over, and the answer is the wrapper's problem+json.
const session = vi.hoisted(() => ({ calls: 0 }));
vi.mock("../auth/current-user", () => ({
  currentUser: async () => {
    session.calls++;
    return { userId: "u1", sessionId: "s1", username: "officer", displayName: "Officer", role: "officer", regions: ["5201"] };
  },
}));
vi.mock("./kiosk/authenticate-device", () => ({
  KIOSK_TOKEN_COOKIE: "kiosk_device_token",
  authenticateKioskDevice: async () => ({ id: "d1", regionCode: "520102", name: "Kiosk" }),
}));

const { withRoute } = await import("./with-route");
const { withKioskRoute } = await import("./with-kiosk-route");

const seen: unknown[] = [];
const route = withRoute({
  permission: "pensioners.write",
  schemas: { body: z.object({ s: z.string() }) },
  handler: async ({ body }) => {
    seen.push(body);
    return { ok: true };
  },
});
const upload = withRoute({ permission: "roll.import", rawBody: true, handler: async () => ({ uploaded: true }) });
const read = withRoute({ permission: "pensioners.read", handler: async () => ({ read: true }) });
const kiosk = withKioskRoute({ device: "none", schemas: { body: z.object({ code: z.string() }) }, maxBodyBytes: 4096, handler: async ({ body }) => body });

const params = { params: Promise.resolve({}) };
const URL_ = "http://localhost:3000/api/v1/thing";
const json = (o: unknown) => JSON.stringify(o);

function post(headers: Record<string, string>, body: BodyInit | null = json({ s: "x" }), method = "POST") {
  return new NextRequest(URL_, { method, headers: { host: "localhost:3000", ...headers }, body, duplex: "half" } as ConstructorParameters<typeof NextRequest>[1]);
}

async function problemOf(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { code: string; status: number; errors?: { path: string; code: string | null }[] };
}

/**
 * A body streamed in 64 KiB chunks, 8 MiB in all (far past every cap, yet finite, so a broken cap
 * fails the test instead of hanging it); counts what was pulled, so a test can see the reader stopped.
 */
function endless() {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const pulled = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled.bytes >= 8 * 1024 * 1024) return c.close();
      pulled.bytes += chunk.byteLength;
      c.enqueue(chunk);
    },
  });
  return { stream, pulled };
}

beforeEach(() => {
  seen.length = 0;
  session.calls = 0;
});

describe("same origin for state-changing requests", () => {
  it("lets the app's own page through: Origin equal to the host, Sec-Fetch-Site same-origin", async () => {
    const res = await route(post({ "content-type": "application/json", origin: "http://localhost:3000", "sec-fetch-site": "same-origin" }), params);
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ s: "x" }]);
  });

  it("lets a client without an Origin header through (scripts, API clients)", async () => {
    expect((await route(post({ "content-type": "application/json" }), params)).status).toBe(200);
  });

  it("compares with the reverse proxy's X-Forwarded-Host when it is there", async () => {
    const behind = { "content-type": "application/json", host: "127.0.0.1:3000", "x-forwarded-host": "pension.example", "x-forwarded-proto": "https" };
    expect((await route(post({ ...behind, origin: "https://pension.example" }), params)).status).toBe(200);
    expect((await route(post({ ...behind, origin: "http://127.0.0.1:3000" }), params)).status).toBe(403);
  });

  it.each([
    ["a foreign Origin", { origin: "https://evil.example" }, "headers.origin"],
    ["the same host name on another port", { origin: "http://localhost:4000" }, "headers.origin"],
    ["an opaque Origin (null)", { origin: "null" }, "headers.origin"],
    ["Sec-Fetch-Site cross-site without Origin", { "sec-fetch-site": "cross-site" }, "headers.sec-fetch-site"],
    ["Sec-Fetch-Site cross-site with a same-looking Origin", { "sec-fetch-site": "cross-site", origin: "http://localhost:3000" }, "headers.sec-fetch-site"],
  ])("refuses %s with 403 problem+json before the session is looked up", async (_, headers, path) => {
    const res = await route(post({ "content-type": "application/json", ...headers }), params);
    expect(res.status).toBe(403);
    const p = await problemOf(res);
    expect(p.code).toBe("FORBIDDEN");
    expect(p.errors?.[0]).toMatchObject({ path, code: "foreignOrigin" });
    expect(seen).toEqual([]);
    expect(session.calls).toBe(0);
  });

  it("refuses a foreign upload too (rawBody routes skip only the JSON rule)", async () => {
    const res = await upload(post({ "content-type": "text/csv", origin: "https://evil.example" }, "a,b\n", "PUT"), params);
    expect(res.status).toBe(403);
  });

  it("leaves GET alone: a read changes nothing", async () => {
    const res = await read(new NextRequest(URL_, { headers: { host: "localhost:3000", origin: "https://evil.example", "sec-fetch-site": "cross-site" } }), params);
    expect(res.status).toBe(200);
  });
});

describe("JSON content type", () => {
  it.each([
    ["text/plain (a cross-site form's)", { "content-type": "text/plain" }],
    ["application/x-www-form-urlencoded", { "content-type": "application/x-www-form-urlencoded" }],
    ["multipart/form-data", { "content-type": "multipart/form-data; boundary=x" }],
    ["none at all", {}],
  ])("refuses %s with 415 naming body", async (_, headers) => {
    // A string body makes fetch add text/plain itself; a Blob without a type adds nothing.
    const body = "content-type" in headers ? json({ s: "x" }) : new Blob([json({ s: "x" })]);
    const req = post(headers, body);
    if (!("content-type" in headers)) expect(req.headers.get("content-type")).toBeNull();
    const res = await route(req, params);
    expect(res.status).toBe(415);
    const p = await problemOf(res);
    expect(p.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(p.errors?.[0]).toMatchObject({ path: "body", code: "contentTypeJson" });
    expect(seen).toEqual([]);
  });

  it("accepts parameters and any case: Application/JSON; charset=utf-8", async () => {
    expect((await route(post({ "content-type": "Application/JSON; charset=utf-8" }), params)).status).toBe(200);
  });

  it("is not asked of uploads (rawBody), which check their own type", async () => {
    expect((await upload(post({ "content-type": "text/csv" }, "a,b\n", "PUT"), params)).status).toBe(200);
  });
});

describe("body size cap", () => {
  it("is 1 MiB by default", () => {
    expect(MAX_JSON_BODY_BYTES).toBe(1024 * 1024);
  });

  it("reads a body of exactly the cap", async () => {
    const s = "a".repeat(MAX_JSON_BODY_BYTES - json({ s: "" }).length);
    expect(json({ s }).length).toBe(MAX_JSON_BODY_BYTES);
    const res = await route(post({ "content-type": "application/json" }, json({ s })), params);
    expect(res.status).toBe(200);
    expect((seen[0] as { s: string }).s.length).toBe(s.length);
  });

  it("refuses one byte more with 413 naming body", async () => {
    const s = "a".repeat(MAX_JSON_BODY_BYTES - json({ s: "" }).length + 1);
    const res = await route(post({ "content-type": "application/json" }, json({ s })), params);
    expect(res.status).toBe(413);
    const p = await problemOf(res);
    expect(p.code).toBe("PAYLOAD_TOO_LARGE");
    expect(p.errors?.[0]).toMatchObject({ path: "body", code: "tooBig" });
    expect(seen).toEqual([]);
  });

  it("refuses a declared Content-Length over the cap before reading a byte", async () => {
    const { stream, pulled } = endless();
    const res = await route(post({ "content-type": "application/json", "content-length": String(MAX_JSON_BODY_BYTES + 1) }, stream), params);
    expect(res.status).toBe(413);
    // The stream may have been primed, but nothing near the cap was read.
    expect(pulled.bytes).toBeLessThan(MAX_JSON_BODY_BYTES / 4);
  });

  it("counts the bytes of a body with no Content-Length (chunked) and stops reading at the cap", async () => {
    const { stream, pulled } = endless();
    const req = post({ "content-type": "application/json" }, stream);
    expect(req.headers.get("content-length")).toBeNull();
    const res = await route(req, params);
    expect(res.status).toBe(413);
    expect((await problemOf(res)).errors?.[0]?.path).toBe("body");
    expect(pulled.bytes).toBeGreaterThan(MAX_JSON_BODY_BYTES);
    expect(pulled.bytes).toBeLessThan(MAX_JSON_BODY_BYTES + 512 * 1024);
  });

  it("counts the bytes when Content-Length lies (says 20, sends megabytes)", async () => {
    const { stream, pulled } = endless();
    const res = await route(post({ "content-type": "application/json", "content-length": "20" }, stream), params);
    expect(res.status).toBe(413);
    expect(pulled.bytes).toBeLessThan(MAX_JSON_BODY_BYTES + 512 * 1024);
  });

  it("answers 400 naming body for a body that is not JSON", async () => {
    const res = await route(post({ "content-type": "application/json" }, "{not json"), params);
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.[0]).toMatchObject({ path: "body", code: "invalidJson" });
  });
});

describe("the kiosk's wrapper has the same rules", () => {
  it("takes its own JSON", async () => {
    const res = await kiosk(post({ "content-type": "application/json", origin: "http://localhost:3000" }, json({ code: "ABCD" })), params);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: "ABCD" });
  });

  it("refuses another site (403), a non-JSON body (415) and a streamed body over its route's cap (413)", async () => {
    expect((await kiosk(post({ "content-type": "application/json", origin: "https://evil.example" }, json({ code: "A" })), params)).status).toBe(403);
    expect((await kiosk(post({ "content-type": "text/plain" }, json({ code: "A" })), params)).status).toBe(415);
    const { stream, pulled } = endless();
    const res = await kiosk(post({ "content-type": "application/json" }, stream), params);
    expect(res.status).toBe(413);
    expect((await problemOf(res)).errors?.[0]).toMatchObject({ path: "body", code: "tooBig" });
    expect(pulled.bytes).toBeLessThan(512 * 1024);
  });
});
