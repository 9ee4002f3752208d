import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { checkCharacter } from "../../domain/national-id";
import { ZAssessmentResponse, ZFeedReport, ZFeeSchedule, ZSubjectsResponse, type TFeedItem } from "../contract";
import { H, MAX_SKEW_SECONDS, sha256Hex, signRequest, verifyResponse } from "../signing";
import { assess, stateOf, type TSurvivalState } from "../survival-model";
import { bdmiExchange, type TBdmiEndpoint } from "../transport";
import { subjectOf } from "./subject-crypto";
import { startBdmiService, type TBdmiService } from "./start";

// The BDMI service against a real PostgreSQL, called over HTTP with real signatures.

const agency = generateKeyPairSync("ed25519");
const stranger = generateKeyPairSync("ed25519");
const serviceKeys = generateKeyPairSync("ed25519");
const subjectKey = randomBytes(32);
let svc: TBdmiService;
let ep: TBdmiEndpoint;
let db: pg.Pool;

/** Valid, distinct national IDs for this test run (a random county-like prefix keeps runs apart). */
let serial = 0;
const prefix = `5${String(10000 + Math.floor(Math.random() * 89999))}`;
function newId(): string {
  const n = serial++;
  const first17 = `${prefix}1950${String(1 + (n % 12)).padStart(2, "0")}${String(1 + (Math.floor(n / 12) % 28)).padStart(2, "0")}${String(Math.floor(n / 336) % 1000).padStart(3, "0")}`;
  return first17 + checkCharacter(first17);
}
function badCheckDigit(id: string): string {
  return id.slice(0, 17) + (id[17] === "0" ? "1" : "0");
}

async function post(path: string, body: unknown, contentType?: string, endpoint = ep) {
  return bdmiExchange(endpoint, { method: "POST", pathWithQuery: path, body: typeof body === "string" ? body : JSON.stringify(body), contentType });
}

/** A signed request sent by hand, so tests can tamper with it. */
async function raw(opts: { method?: string; path: string; body?: string; headers?: Record<string, string>; key?: KeyObject; agencyId?: string; now?: Date; nonce?: string }) {
  const method = opts.method ?? "POST";
  const body = opts.body ?? "";
  const signed = signRequest({ method, pathWithQuery: opts.path, body, agencyId: opts.agencyId ?? "gz-test", key: opts.key ?? agency.privateKey, now: opts.now, nonce: opts.nonce });
  return { signed, send: (over: { body?: string; headers?: Record<string, string> } = {}) =>
    fetch(new URL(opts.path, svc.url), {
      method,
      headers: { "content-type": "application/json", ...signed, ...opts.headers, ...over.headers },
      body: method === "GET" ? undefined : (over.body ?? body),
    }) };
}

async function requestLog(reasonLike: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from bdmi.request_log where status = 401 and reason like $1", [`${reasonLike}%`]);
  return rows[0]!.n;
}

const ndjson = (items: unknown[]) => items.map((i) => (typeof i === "string" ? i : JSON.stringify(i))).join("\n") + "\n";

beforeAll(async () => {
  svc = await startBdmiService({
    databaseUrl: inject("databaseUrl"),
    serviceKey: serviceKeys.privateKey,
    trusted: new Map([["gz-test", agency.publicKey]]),
    dataKey: randomBytes(32),
    subjectKey,
    log: () => {},
  });
  ep = { baseUrl: svc.url, agencyId: "gz-test", agencyKey: agency.privateKey, serviceKey: serviceKeys.publicKey };
  db = new pg.Pool({ connectionString: inject("databaseUrl"), max: 2 });
});

afterAll(async () => {
  await db?.end();
  await svc?.close();
});

describe("BDMI service", () => {
  it("serves the fee schedule: 3 TKY per assessment, 2 to the platform and 1 to the data providers", async () => {
    const r = await bdmiExchange(ep, { method: "GET", pathWithQuery: "/v1/fees" });
    expect(r.status).toBe(200);
    const fees = ZFeeSchedule.parse(r.json());
    expect(fees).toMatchObject({ version: "2026-1", currency: "TKY", decimals: 8 });
    expect(fees.assessment.amount).toBe("300000000");
    expect(fees.assessment.shares).toEqual([
      { payee: "platform", amount: "200000000" },
      { payee: "data-providers", amount: "100000000" },
    ]);
  });

  it("serves an OpenAPI 3.1 document and /healthz without a signature", async () => {
    const doc = (await (await fetch(new URL("/v1/openapi.json", svc.url))).json()) as Record<string, any>;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/fees", "/v1/subjects", "/v1/evidence/feeds", "/v1/assessments"]));
    expect(Object.keys(doc.components.parameters)).toEqual([H.agency, H.timestamp, H.nonce, H.contentSha256, H.signature]);
    expect(doc.components.schemas.AssessmentRequest.properties.items.maxItems).toBe(5000);
    expect(await (await fetch(new URL("/healthz", svc.url))).json()).toEqual({ ok: true });
  });

  it("enrols subjects idempotently and refuses malformed IDs by index", async () => {
    const ids = Array.from({ length: 5 }, newId);
    const first = ZSubjectsResponse.parse((await post("/v1/subjects", { nationalIds: ids })).json());
    expect(first).toEqual({ received: 5, added: 5 });
    const again = ZSubjectsResponse.parse((await post("/v1/subjects", { nationalIds: [...ids, newId()] })).json());
    expect(again).toEqual({ received: 6, added: 1 });
    const bad = await post("/v1/subjects", { nationalIds: [newId(), badCheckDigit(newId())] });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain("application/problem+json");
    expect((bad.json() as { errors: unknown[] }).errors).toEqual([{ path: "nationalIds.1", message: "checkDigit" }]);
    const { rows } = await db.query("select agency, length(id_cipher) as len from bdmi.subjects where subject = $1", [subjectOf(subjectKey, ids[0]!)]);
    expect(rows).toEqual([{ agency: "gz-test", len: 12 + 18 + 16 }]);
  });

  it("loads a feed with a line-by-line report, and loads nothing when the feed id repeats", async () => {
    const [a, b] = [newId(), newId()];
    const stranger = newId(); // valid, never enrolled
    await post("/v1/subjects", { nationalIds: [a, b] });
    const feedId = `test:${randomBytes(4).toString("hex")}`;
    const lines = [
      { nationalId: a, source: "02", item: "01", result: 1, at: "2026-03-05T02:00:00Z" }, // 1 ok
      "{not json", // 2
      { nationalId: a, source: "08", item: "02", result: 1, at: "2026-03-05 10:00" }, // 3 bad timestamp
      { nationalId: b, source: "08", item: "02", result: 2, at: "2026-03-05T02:00:00Z" }, // 4 bad result
      { nationalId: badCheckDigit(b), source: "08", item: "02", result: 1, at: "2026-03-05T02:00:00Z" }, // 5 malformed ID
      { nationalId: b, source: "99", item: "01", result: 1, at: "2026-03-06T02:00:00Z", sourceRef: "tab\there" }, // 6 unknown code, stored
      { nationalId: stranger, source: "02", item: "01", result: 1, at: "2026-03-05T02:00:00Z" }, // 7 not enrolled
      { nationalId: b, source: "09", item: "02", result: 9, at: "2026-03-31T17:00:00Z" }, // 8 ok (source error); April in CST
    ];
    const r = await post(`/v1/evidence/feeds?feedId=${feedId}`, ndjson(lines), "application/x-ndjson");
    expect(r.status).toBe(200);
    const report = ZFeedReport.parse(r.json());
    expect(report).toMatchObject({ feedId, replayed: false, received: 8, accepted: 3, rejected: 4, unknownCodes: 1, notEnrolled: 1 });
    expect(report.rejections.map((x) => [x.line, x.field])).toEqual([
      [2, ""],
      [3, "at"],
      [4, "result"],
      [5, "nationalId"],
    ]);
    expect(report.rejections[0]!.reason).toMatch(/bad JSON/);
    expect(report.rejections[3]!.reason).toMatch(/checkDigit/);
    const stored = await db.query<{ period: string; source: string; source_ref: string | null }>(
      "select period, source, source_ref from bdmi.evidence where feed_id = $1 order by period, source",
      [feedId],
    );
    expect(stored.rows).toEqual([
      { period: "2026-03", source: "02", source_ref: null },
      { period: "2026-03", source: "99", source_ref: "tab\there" },
      { period: "2026-04", source: "09", source_ref: null },
    ]);

    const again = ZFeedReport.parse((await post(`/v1/evidence/feeds?feedId=${feedId}`, ndjson(lines), "application/x-ndjson")).json());
    expect(again).toEqual({ ...report, replayed: true });
    const count = await db.query<{ n: number }>("select count(*)::int as n from bdmi.evidence where feed_id = $1", [feedId]);
    expect(count.rows[0]!.n).toBe(3);
  });

  it("refuses a feed id that is not valid", async () => {
    const r = await post("/v1/evidence/feeds?feedId=bad%20id", "", "application/x-ndjson");
    expect(r.status).toBe(400);
    expect((r.json() as { errors: { path: string }[] }).errors[0]!.path).toBe("feedId");
  });

  it("assesses with the model on the stored evidence, and charges once per idempotency key", async () => {
    const [alive, dead, weak, fresh] = [newId(), newId(), newId(), newId()];
    await post("/v1/subjects", { nationalIds: [alive, dead, weak] });
    const items: TFeedItem[] = [
      { nationalId: alive, source: "07", item: "01", result: 1, at: "2026-05-10T01:00:00.000Z" },
      { nationalId: dead, source: "03", item: "01", result: 1, at: "2026-05-11T01:00:00.000Z" },
      { nationalId: dead, source: "02", item: "02", result: 1, at: "2026-05-02T01:00:00.000Z" },
      { nationalId: weak, source: "02", item: "02", result: 1, at: "2026-05-03T01:00:00.000Z" },
      { nationalId: weak, source: "02", item: "02", result: 1, at: "2026-05-04T01:00:00.000Z" },
      { nationalId: weak, source: "11", item: "01", result: 1, at: "2026-05-04T01:00:00.000Z" },
      { nationalId: weak, source: "08", item: "02", result: 9, at: "2026-05-05T01:00:00.000Z" },
    ];
    const feed = ZFeedReport.parse((await post(`/v1/evidence/feeds?feedId=test:${randomBytes(4).toString("hex")}`, ndjson(items), "application/x-ndjson")).json());
    expect(feed.accepted).toBe(7);

    const prevWeak: TSurvivalState = { period: "2026-04", status: "alive", basis: "score", S: 20, T: 5, deathAt: null, affirmedAt: null };
    const request = {
      period: "2026-05",
      idempotencyKey: `test-${randomBytes(6).toString("hex")}`,
      items: [
        { ref: "alive", nationalId: alive, previous: null },
        { ref: "dead", nationalId: dead, previous: null },
        { ref: "weak", nationalId: weak, previous: prevWeak },
        { ref: "fresh", nationalId: fresh, previous: null },
        { ref: "later", nationalId: alive, previous: { ...prevWeak, period: "2026-06" } },
      ],
    };
    const r = await post("/v1/assessments", request);
    expect(r.status).toBe(200);
    const res = ZAssessmentResponse.parse(r.json());
    expect(res.replayed).toBe(false);
    const of = (id: string) => items.filter((i) => i.nationalId === id).map(({ nationalId: _n, ...e }) => e);
    const byRef = new Map(res.results.map((x) => [x.ref, x]));
    for (const [ref, id, prev] of [["alive", alive, null], ["dead", dead, null], ["weak", weak, prevWeak], ["fresh", fresh, null]] as const) {
      const expected = assess(prev, "2026-05", of(id));
      expect(byRef.get(ref)!.state, ref).toEqual(stateOf(expected));
      expect(byRef.get(ref)!.ignoredUnknown).toBe(expected.ignoredUnknown);
      expect(byRef.get(ref)!.ignoredSourceErrors).toBe(expected.ignoredSourceErrors);
    }
    expect(byRef.get("dead")!.state).toMatchObject({ status: "deceased", basis: "death", deathAt: "2026-05-11T01:00:00.000Z" });
    expect(byRef.get("weak")!.state).toMatchObject({ status: "alive", basis: "score", S: 25, T: 4 });
    expect(byRef.get("weak")!.ignoredUnknown).toBe(1);
    expect(byRef.get("weak")!.ignoredSourceErrors).toBe(1);
    expect(byRef.get("fresh")!.evidenceRefs).toEqual([]);
    const refs = await db.query<{ id: string }>("select id::text from bdmi.evidence where subject = $1 and period = '2026-05' order by id", [subjectOf(subjectKey, dead)]);
    expect([...byRef.get("dead")!.evidenceRefs].sort()).toEqual(refs.rows.map((x) => x.id).sort());
    expect(res.errors).toEqual([{ ref: "later", error: expect.stringMatching(/later than the assessed period/) }]);
    // Four assessed (the failed item is not charged): 4 × 3 TKY, split 2/1.
    expect(res.fee).toEqual({
      scheduleVersion: "2026-1",
      count: 4,
      perAssessment: "300000000",
      total: "1200000000",
      shares: [
        { payee: "platform", amount: "800000000" },
        { payee: "data-providers", amount: "400000000" },
      ],
    });
    // An assessed subject that was not enrolled now is.
    const enrolled = await db.query("select 1 from bdmi.subjects where subject = $1", [subjectOf(subjectKey, fresh)]);
    expect(enrolled.rowCount).toBe(1);

    const replay = ZAssessmentResponse.parse((await post("/v1/assessments", request)).json());
    expect(replay.replayed).toBe(true);
    expect(replay.callId).toBe(res.callId);
    expect(replay.fee).toEqual(res.fee);
    expect(replay.results).toEqual(res.results);
    const calls = await db.query("select count, fee_total::text from bdmi.calls where idempotency_key = $1", [request.idempotencyKey]);
    expect(calls.rows).toEqual([{ count: 4, fee_total: "1200000000" }]);

    const conflict = await post("/v1/assessments", { ...request, items: request.items.slice(0, 1) });
    expect(conflict.status).toBe(409);
    expect(conflict.contentType).toContain("application/problem+json");
  });

  it("reports zod issues of an assessment request with field paths", async () => {
    const r = await post("/v1/assessments", { period: "2026-13", idempotencyKey: "short", items: [{ ref: "x", nationalId: "123", previous: null }] });
    expect(r.status).toBe(400);
    const paths = (r.json() as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["period", "idempotencyKey", "items.0.nationalId"]));
  });

  it("refuses a tampered body with 401 and logs it", async () => {
    const body = JSON.stringify({ nationalIds: [newId()] });
    const before = await requestLog("body-hash");
    const { send } = await raw({ path: "/v1/subjects", body });
    const r = await send({ body: JSON.stringify({ nationalIds: [newId()] }) });
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(await requestLog("body-hash")).toBe(before + 1);

    // Tampered body and a matching hash header: the signature no longer verifies.
    const forged = JSON.stringify({ nationalIds: [newId()] });
    const r2 = await (await raw({ path: "/v1/subjects", body })).send({ body: forged, headers: { [H.contentSha256]: sha256Hex(forged) } });
    expect(r2.status).toBe(401);
    expect(((await r2.json()) as { type: string }).type).toBe("urn:bdmi:problem:bad-signature");
  });

  it("refuses a replayed nonce, a stale timestamp and an unknown agency", async () => {
    const body = JSON.stringify({ nationalIds: [newId()] });
    const req = await raw({ path: "/v1/subjects", body });
    expect((await req.send()).status).toBe(200);
    const replayed = await req.send();
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { type: string }).type).toBe("urn:bdmi:problem:replayed-nonce");

    const stale = await (await raw({ path: "/v1/subjects", body, now: new Date(Date.now() - (MAX_SKEW_SECONDS + 60) * 1000) })).send();
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { type: string }).type).toBe("urn:bdmi:problem:clock-skew");

    const unknown = await (await raw({ path: "/v1/subjects", body, agencyId: "nobody", key: stranger.privateKey })).send();
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { type: string }).type).toBe("urn:bdmi:problem:unknown-agency");

    const wrongKey = await (await raw({ path: "/v1/subjects", body, key: stranger.privateKey })).send();
    expect(wrongKey.status).toBe(401);
    expect(await requestLog("replayed-nonce")).toBeGreaterThan(0);
    expect(await requestLog("clock-skew")).toBeGreaterThan(0);
    expect(await requestLog("unknown-agency")).toBeGreaterThan(0);
  });

  it("refuses a feed whose body was altered after signing, and loads nothing", async () => {
    const id = newId();
    await post("/v1/subjects", { nationalIds: [id] });
    const feedId = `test:${randomBytes(4).toString("hex")}`;
    const body = ndjson([{ nationalId: id, source: "02", item: "01", result: 1, at: "2026-03-05T02:00:00Z" }]);
    const altered = ndjson([{ nationalId: id, source: "01", item: "03", result: 1, at: "2026-03-05T02:00:00Z" }]);
    const r = await (await raw({ path: `/v1/evidence/feeds?feedId=${feedId}`, body })).send({ body: altered });
    expect(r.status).toBe(401);
    const { rowCount } = await db.query("select 1 from bdmi.feeds where feed_id = $1", [feedId]);
    expect(rowCount).toBe(0);
    // The genuine feed still loads under that id.
    expect(ZFeedReport.parse((await post(`/v1/evidence/feeds?feedId=${feedId}`, body, "application/x-ndjson")).json()).accepted).toBe(1);
  });

  it("signs every response, errors included, over the request's nonce; an altered response fails verification", async () => {
    const { signed, send } = await raw({ path: "/v1/subjects", body: JSON.stringify({ nationalIds: [newId()] }) });
    const r = await send();
    const body = Buffer.from(await r.arrayBuffer());
    const header = (n: string) => r.headers.get(n);
    expect(() => verifyResponse({ status: r.status, requestNonce: signed[H.nonce]!, body, header, key: serviceKeys.publicKey })).not.toThrow();
    const altered = Buffer.from(body.toString("utf8").replace(/"added":1/, '"added":0'));
    expect(() => verifyResponse({ status: r.status, requestNonce: signed[H.nonce]!, body: altered, header, key: serviceKeys.publicKey })).toThrow(/does not verify/);
    expect(() => verifyResponse({ status: r.status, requestNonce: "another-request-nonce", body, header, key: serviceKeys.publicKey })).toThrow();

    // A refusal is signed too, so a caller can tell the service's 401 from a forged one.
    const bad = await raw({ path: "/v1/subjects", body: "{}", key: stranger.privateKey });
    const unauth = await bad.send();
    const ub = Buffer.from(await unauth.arrayBuffer());
    expect(unauth.status).toBe(401);
    expect(() => verifyResponse({ status: 401, requestNonce: bad.signed[H.nonce]!, body: ub, header: (n) => unauth.headers.get(n), key: serviceKeys.publicKey })).not.toThrow();

    // bdmiExchange refuses to trust a response signed by another key.
    const { UnsignedResponseError } = await import("../transport");
    await expect(bdmiExchange({ ...ep, serviceKey: stranger.publicKey }, { method: "GET", pathWithQuery: "/v1/fees" })).rejects.toBeInstanceOf(UnsignedResponseError);
  });
});
