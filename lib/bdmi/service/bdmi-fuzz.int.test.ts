import { generateKeyPairSync, randomBytes } from "node:crypto";
import net from "node:net";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { checkCharacter } from "../../domain/national-id";
import { H, signRequest, verifyResponse } from "../signing";
import { openApiDocument } from "./openapi";
import { MAX_FEED_BYTES } from "./feeds";
import { MAX_JSON_BYTES } from "./server";
import { startBdmiService, type TBdmiService } from "./start";

// Hostile input at BDMI's door, as api-fuzz.int.test.ts does for the platform's API: every
// operation of the service's own OpenAPI document (so a new route is covered without editing this
// file) gets generated bad input, signed by a trusted agency, unsigned, signed by a stranger or
// with a stale clock: wrong types, missing and extra fields, huge strings and numbers, deep JSON,
// invalid UTF-8, NUL bytes, path traversal and SQL-looking values, bodies over the limit. Every
// answer must be a 4xx application/problem+json (a 400 naming a field of the request), signed over
// the request's nonce, never a 5xx or a stack trace; a refused request leaves the service's tables
// as they were (apart from the nonces it consumed and its log of refusals).

const agency = generateKeyPairSync("ed25519");
const stranger = generateKeyPairSync("ed25519");
const serviceKeys = generateKeyPairSync("ed25519");
let svc: TBdmiService;
let db: pg.Pool;
const logged: string[] = [];

type TOp = { method: string; path: string; bodyFields: string[]; queryParams: string[]; signed: boolean };
/** The routes from the service's own OpenAPI document, request fields from its schemas. */
const DOC = JSON.parse(openApiDocument()) as {
  paths: Record<string, Record<string, { security?: unknown[]; parameters?: { $ref?: string; name?: string; in?: string }[]; requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};
const OPS: TOp[] = Object.entries(DOC.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => {
    const ref = Object.values(op.requestBody?.content ?? {})[0]?.schema.$ref;
    const schema = ref ? DOC.components.schemas[ref.split("/").at(-1)!] : undefined;
    return {
      method: method.toUpperCase(),
      path,
      bodyFields: Object.keys(schema?.properties ?? {}),
      queryParams: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name!),
      signed: !(Array.isArray(op.security) && op.security.length === 0),
    };
  }),
);

const NASTY = [
  "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "1' OR '1'='1", "1; DROP TABLE bdmi.subjects; --", "\u0000", "a\u0000bcdefghij", "😀".repeat(50),
  "<script>alert(1)</script>", "-1", "0", "1e309", "NaN", "null", "00000000-0000-0000-0000-000000000000", "x".repeat(5000), " ", "\uFFFF\uD800",
  "11010519491231002X", "2026-13", "2026-01", "/9j/4AAQ", "blink", "idempotency\u0000key",
];
const nasty = fc.constantFrom(...NASTY);
const VALID_ID = "52010219500101001" + checkCharacter("52010219500101001");
const scalar = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.integer().map(String), fc.constant("9".repeat(400)), fc.double().map(String));
const EXTRA_KEYS = ["id", "__proto__", "constructor", "agency", "fee", "replayed", "callId", "nonce"];
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  nasty,
  fc.constant(1e308),
  fc.constant(-1),
  fc.constant(Number.MAX_SAFE_INTEGER * 1000),
  fc.constant([nasty]),
  fc.array(nasty, { maxLength: 3 }),
);
type TBody = { kind: "json"; value: unknown } | { kind: "raw"; bytes: Buffer; type: string };

// Valid bodies to spoil one field at a time, so a bad value gets past the fields before it (a
// route without one here still gets everything else).
const JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR8eHR0f";
const EXAMPLES: Record<string, unknown> = {
  "/v1/subjects": { nationalIds: [VALID_ID] },
  "/v1/assessments": { period: "2026-03", idempotencyKey: "fuzz-assess-1", items: [{ ref: "p1", nationalId: VALID_ID, previous: null }] },
  "/v1/faces": { nationalId: VALID_ID, photo: JPEG },
  "/v1/liveness-checks": {
    idempotencyKey: "fuzz-live-1", nationalId: VALID_ID, period: "2026-03", challenge: { steps: ["blink"], limitMs: 10_000 },
    transcript: [{ step: "blink", atMs: 1200 }], client: { liveness: 0.9, antispoof: 0.8, embedding: Array.from({ length: 1024 }, () => 0.01) }, frames: [JPEG],
  },
};
/** The example with the value at one leaf path replaced (undefined: removed). */
function spoil(example: unknown, pick: number, replacement: unknown): unknown {
  const copy = structuredClone(example) as Record<string, unknown>;
  const leaves: { parent: Record<string, unknown>; key: string }[] = [];
  const walk = (o: unknown) => {
    if (o && typeof o === "object") for (const [k, v] of Object.entries(o)) {
      leaves.push({ parent: o as Record<string, unknown>, key: k });
      if (!(Array.isArray(v) && v.length > 8)) walk(v);
    }
  };
  walk(copy);
  const leaf = leaves[pick % leaves.length]!;
  if (replacement === undefined) delete leaf.parent[leaf.key];
  else leaf.parent[leaf.key] = replacement;
  return copy;
}
const spoiled = (example: unknown): fc.Arbitrary<TBody> =>
  fc.tuple(fc.nat(), fc.oneof(value, fc.constant(undefined))).map(([pick, v]): TBody => ({ kind: "json", value: spoil(example, pick, v) }));

const bodyFor = (fields: string[], example?: unknown): fc.Arbitrary<TBody> => {
  const keys = fc.constantFrom(...fields, ...EXTRA_KEYS);
  const raw = (bytes: Buffer, type = "application/json") => fc.constant<TBody>({ kind: "raw", bytes, type });
  return fc.oneof(
    ...(example ? [{ weight: 6, arbitrary: spoiled(example) }] : []),
    { weight: 3, arbitrary: fc.dictionary(keys, value, { maxKeys: 8 }).map((value): TBody => ({ kind: "json", value })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): TBody => ({ kind: "json", value })) },
    { weight: 1, arbitrary: fc.integer({ min: 200, max: 20_000 }).map((d): TBody => ({ kind: "raw", bytes: Buffer.from("[".repeat(d) + "]".repeat(d)), type: "application/json" })) },
    { weight: 1, arbitrary: fc.integer({ min: 200, max: 20_000 }).map((d): TBody => ({ kind: "raw", bytes: Buffer.from(`{"${fields[0] ?? "a"}":${'{"a":'.repeat(d)}1${"}".repeat(d)}}`), type: "application/json" })) },
    { weight: 1, arbitrary: raw(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])) },
    { weight: 1, arbitrary: raw(Buffer.from(`{"${fields[0] ?? "a"}":"a\\u0000b","idempotencyKey":"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000"}`)) },
    { weight: 1, arbitrary: raw(Buffer.from(`{"source":"0\\u0000","item":"01","result":1,"at":"2026-03-05T02:00:00Z","nationalId":"${VALID_ID}","sourceRef":"\\u0000"}\n`), "application/x-ndjson") },
    { weight: 1, arbitrary: raw(Buffer.from("name=x&role=admin"), "application/x-www-form-urlencoded") },
    { weight: 1, arbitrary: raw(Buffer.from("{not json")) },
    { weight: 1, arbitrary: raw(Buffer.alloc(0)) },
  );
};
const who = fc.constantFrom("agency", "agency", "agency", "unsigned", "stranger", "stale", "bad-hash");

/** Row counts of the service's tables but the nonces it consumed and its log of refusals. */
async function snapshot(): Promise<string> {
  const r = await db.query<{ s: string }>(
    `select string_agg(table_name || '=' || (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from bdmi.%I', table_name), false, true, '')))[1]::text, ',' order by table_name) as s
       from information_schema.tables where table_schema = 'bdmi' and table_type = 'BASE TABLE' and table_name not in ('nonces', 'request_log')`,
  );
  return r.rows[0]!.s;
}

type TAnswer = { status: number; type: string; text: string; headers: Headers };

async function send(op: TOp, o: { pathWithQuery: string; body: Buffer | null; type: string; as: string }): Promise<TAnswer> {
  const method = op.method;
  const body = o.body ?? Buffer.alloc(0);
  let headers: Record<string, string> = {};
  if (o.as !== "unsigned") {
    headers = signRequest({
      method,
      pathWithQuery: o.pathWithQuery,
      body,
      agencyId: o.as === "stranger" ? "nobody" : "gz-fuzz",
      key: o.as === "stranger" ? stranger.privateKey : agency.privateKey,
      now: o.as === "stale" ? new Date(Date.now() - 3600_000) : undefined,
    });
    if (o.as === "bad-hash") headers[H.contentSha256] = "0".repeat(64);
  }
  const res = await fetch(new URL(o.pathWithQuery, svc.url), {
    method,
    headers: { ...headers, ...(method === "GET" ? {} : { "content-type": o.type }) },
    body: method === "GET" ? undefined : (body as unknown as BodyInit),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  if (o.as !== "unsigned" && op.signed) {
    // Errors are signed too, over the request's nonce: a caller can trust a refusal.
    verifyResponse({ status: res.status, requestNonce: headers[H.nonce]!, body: buf, header: (n) => res.headers.get(n), key: serviceKeys.publicKey });
  }
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: buf.toString("utf8"), headers: res.headers };
}

function expectProblem(a: TAnswer, where: string, op: TOp | null) {
  expect(a.status, where).toBeLessThan(500);
  expect(a.text, where).not.toMatch(/\n\s+at [\w.<>]+ \(|node_modules\//);
  if (a.status < 400) return;
  expect(a.type, where).toContain("application/problem+json");
  const p = JSON.parse(a.text) as { status: number; type: string; errors: { path: string }[] };
  expect(p.status, where).toBe(a.status);
  expect(p.type, where).toMatch(/^urn:bdmi:problem:/);
  if (a.status === 400 && op) {
    // A field path names the body itself or starts at a field of the operation's request.
    const first = p.errors[0]?.path ?? "";
    expect(["body", "url", "request", ...op.bodyFields, ...op.queryParams], where).toContain(first.split(".")[0]);
  }
}

beforeAll(async () => {
  svc = await startBdmiService({
    databaseUrl: inject("databaseUrl"),
    serviceKey: serviceKeys.privateKey,
    trusted: new Map([["gz-fuzz", agency.publicKey]]),
    dataKey: randomBytes(32),
    subjectKey: randomBytes(32),
    log: (m) => logged.push(m),
  });
  db = new pg.Pool({ connectionString: inject("databaseUrl"), max: 2 });
});

afterAll(async () => {
  await db?.end();
  await svc?.close();
});

describe("every BDMI route under hostile input", () => {
  it("finds the routes in the service's OpenAPI document", () => {
    expect(OPS.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(["GET /v1/fees", "POST /v1/subjects", "POST /v1/assessments", "POST /v1/evidence/feeds", "POST /v1/faces", "POST /v1/liveness-checks", "GET /healthz"]),
    );
  });

  for (const op of OPS) {
    const label = `${op.method} ${op.path}`;
    it(`${label} answers bad input with 4xx problem+json and changes nothing`, async () => {
      logged.length = 0;
      const before = await snapshot();
      let accepted = false;
      {
        await fc.assert(
          fc.asyncProperty(
            bodyFor(op.bodyFields, EXAMPLES[op.path]),
            fc.dictionary(fc.constantFrom(...op.queryParams, "feedId", "id", "q", "limit"), scalar, { maxKeys: 3 }),
            fc.constantFrom("", "", "", "/../../etc/passwd", "%00", "/1'%20OR%20'1'='1", "/..%2F..%2Fetc"),
            who,
            async (b, query, suffix, as) => {
              const url = new URL(`http://x${op.path}${suffix}`);
              for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
              const pathWithQuery = `${url.pathname}${url.search}`;
              const body = op.method === "GET" ? null : b.kind === "json" ? Buffer.from(JSON.stringify(b.value) ?? "null") : b.bytes;
              const a = await send(op, { pathWithQuery, body, type: b.kind === "json" ? "application/json" : b.type, as });
              const where = `${op.method} ${pathWithQuery.slice(0, 200)} as ${as} with ${body?.subarray(0, 120).toString("utf8")}: ${a.status} ${a.text.slice(0, 300)}`;
              expectProblem(a, where, op);
              if (a.status < 400) accepted = true;
            },
          ),
          { numRuns: 60, endOnFailure: true },
        );
        // Then every leaf of the example in turn, signed, with the values most likely to get through.
        const example = EXAMPLES[op.path];
        if (example) {
          for (let pick = 0; ; pick++) {
            const probe = spoil(example, pick, "probe");
            if (pick > 0 && JSON.stringify(probe) === JSON.stringify(spoil(example, 0, "probe"))) break;
            for (const v of ["nul\u0000in-the-middle", "\u0000".repeat(12), 1e308, -1, "x".repeat(70_000), [[[[[["deep"]]]]]], { $gt: "" }, undefined]) {
              const body = Buffer.from(JSON.stringify(spoil(example, pick, v)));
              const a = await send(op, { pathWithQuery: op.path, body, type: "application/json", as: "agency" });
              expectProblem(a, `${op.path} leaf ${pick} = ${JSON.stringify(v)?.slice(0, 40)}: ${a.status} ${a.text.slice(0, 300)}`, op);
              if (a.status < 400) accepted = true;
            }
            if (pick > 40) break;
          }
        }
        if (op.path === "/v1/evidence/feeds") {
          for (const line of [
            { source: "0\u0000", item: "01", result: 1, at: "2026-03-05T02:00:00Z", nationalId: VALID_ID },
            { source: "02", item: "01", result: 1, at: "2026-03-05T02:00:00Z", nationalId: VALID_ID, sourceRef: "ref\u0000" },
            { source: "02", item: "\u0000", result: 1, at: "2026-03-05T02:00:00Z", nationalId: VALID_ID },
          ]) {
            const a = await send(op, { pathWithQuery: `${op.path}?feedId=fuzz-${randomBytes(4).toString("hex")}`, body: Buffer.from(JSON.stringify(line) + "\n"), type: "application/x-ndjson", as: "agency" });
            expectProblem(a, `feed line ${JSON.stringify(line)}: ${a.status} ${a.text.slice(0, 300)}`, op);
            if (a.status < 400) accepted = true;
          }
        }
        // A body over the limit: 413 problem+json, signed or not, read no further than the limit.
        if (op.method === "POST" && op.path !== "/v1/evidence/feeds") {
          for (const as of ["agency", "unsigned"]) {
            const a = await send(op, { pathWithQuery: op.path, body: Buffer.alloc(MAX_JSON_BYTES + 1024, 0x20), type: "application/json", as });
            expect(a.status, `${op.path} over the limit as ${as}: ${a.text}`).toBe(413);
            expectProblem(a, op.path, op);
          }
        }
      }
      if (!accepted) expect(await snapshot(), `${label}: a refused request changed the service's tables`).toBe(before);
      expect(logged.filter((m) => m.startsWith("error on")), "no request may end in an internal error").toEqual([]);
    }, 120_000);
  }

  it("answers malformed HTTP (bad request line, a path that is not a URL, huge headers) with 4xx problem+json and keeps serving", async () => {
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        // Written, not ended: a client sending a body keeps its side open; the service closes.
        const s = net.connect(svc.port, "127.0.0.1", () => s.write(request));
        setTimeout(() => s.destroy(), 5_000).unref();
        const chunks: Buffer[] = [];
        s.on("data", (c) => chunks.push(c));
        s.on("error", reject);
        s.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
      });
    for (const req of [
      "GET // HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "POST ///v1/subjects HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
      `GET /v1/fees HTTP/1.1\r\nHost: x\r\n${H.agency}: ${"a".repeat(40_000)}\r\nConnection: close\r\n\r\n`,
      "GARBAGE\r\n\r\n",
      "GET /v1/fees HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      // Bodies declared over the limit are refused before a byte of them is read.
      `POST /v1/evidence/feeds?feedId=big HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${MAX_FEED_BYTES + 1}\r\n\r\n`,
      `POST /v1/subjects HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX_JSON_BYTES + 1}\r\n\r\n`,
    ]) {
      const text = await raw(req);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      const where = `${JSON.stringify(req.slice(0, 60))}: ${text.slice(0, 400)}`;
      expect(status, where).toBeGreaterThanOrEqual(400);
      expect(status, where).toBeLessThan(500);
      if (/Content-Length: \d{7,}/.test(req)) expect(status, where).toBe(413);
      expect(text.toLowerCase(), where).toContain("content-type: application/problem+json");
      const p = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { status: number };
      expect(p.status, where).toBe(status);
    }
    expect(await (await fetch(new URL("/healthz", svc.url))).json()).toEqual({ ok: true });
  });
});
