import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { checkCharacter } from "../../domain/national-id";
import { ZFaceEnrolResponse, ZFeeSchedule, ZLivenessResponse, type TLivenessRequest } from "../contract";
import { bdmiExchange, type TBdmiEndpoint } from "../transport";
import { noFaceJpeg, photoJpeg, twoFacesJpeg } from "../../../test/face-fixtures";
import { analyseJpeg } from "./face-engine";
import { subjectOf } from "./subject-crypto";
import { startBdmiService, type TBdmiService } from "./start";

// Faces and liveness checks over real HTTP with real signatures, Human running in this process on
// the WebAssembly backend, and photos from Human's own assets (test/face-fixtures.ts).

const agency = generateKeyPairSync("ed25519");
const serviceKeys = generateKeyPairSync("ed25519");
const subjectKey = randomBytes(32);
let svc: TBdmiService;
let ep: TBdmiEndpoint;
let db: pg.Pool;

let serial = 0;
const prefix = `5${String(10000 + Math.floor(Math.random() * 89999))}`;
function newId(): string {
  const n = serial++;
  const first17 = `${prefix}1940${String(1 + (n % 12)).padStart(2, "0")}${String(1 + (Math.floor(n / 12) % 28)).padStart(2, "0")}${String(Math.floor(n / 336) % 1000).padStart(3, "0")}`;
  return first17 + checkCharacter(first17);
}

const post = (path: string, body: unknown) => bdmiExchange(ep, { method: "POST", pathWithQuery: path, body: JSON.stringify(body) });
const b64 = (b: Buffer) => b.toString("base64");

let manEmbedding: number[];
const GOOD_TRANSCRIPT = [
  { step: "blink" as const, atMs: 1200 },
  { step: "turn-left" as const, atMs: 3100 },
];

function livenessBody(nationalId: string, frames: Buffer[], over: Partial<TLivenessRequest> = {}): TLivenessRequest {
  return {
    idempotencyKey: `attempt:${randomUUID()}`,
    nationalId,
    period: "2026-11",
    challenge: { steps: ["blink", "turn-left"], limitMs: 60_000 },
    transcript: GOOD_TRANSCRIPT,
    client: { liveness: 0.9, antispoof: 0.8, embedding: manEmbedding },
    frames: frames.map(b64),
    ...over,
  };
}

async function enrolMan(): Promise<string> {
  const id = newId();
  const r = await post("/v1/faces", { nationalId: id, photo: b64(photoJpeg("man-selected")) });
  expect(r.status, r.body.toString()).toBe(200);
  return id;
}

beforeAll(async () => {
  svc = await startBdmiService({
    databaseUrl: inject("databaseUrl"),
    serviceKey: serviceKeys.privateKey,
    trusted: new Map([["gz-face", agency.publicKey]]),
    dataKey: randomBytes(32),
    subjectKey,
    thresholds: { match: 0.7, review: 0.6, liveness: 0.5, antispoof: 0.3 },
  });
  ep = { baseUrl: svc.url, agencyId: "gz-face", agencyKey: agency.privateKey, serviceKey: serviceKeys.publicKey };
  db = new pg.Pool({ connectionString: inject("databaseUrl"), max: 2 });
  // What a kiosk's browser would send as its own embedding of the man's frames.
  manEmbedding = (await analyseJpeg(photoJpeg("man-tile-1"))).faces[0]!.embedding;
});

afterAll(async () => {
  await db?.end();
  await svc?.close();
});

describe("BDMI faces", () => {
  it("enrols a template encrypted at rest, keeps no image, and replaces it on a second photo", async () => {
    const id = newId();
    const first = ZFaceEnrolResponse.parse((await post("/v1/faces", { nationalId: id, photo: b64(photoJpeg("man-selected")) })).json());
    expect(first).toMatchObject({ enrolled: true, replaced: false, model: "human-3.3/faceres" });
    const subject = subjectOf(subjectKey, id);
    const row = (await db.query<{ template_cipher: Buffer }>("select template_cipher from bdmi.faces where subject = $1", [subject])).rows[0]!;
    // 1024 float32 + nonce + tag, and not the plain floats.
    expect(row.template_cipher.length).toBe(1024 * 4 + 28);
    const plain = Buffer.from(new Float32Array(manEmbedding).buffer);
    expect(row.template_cipher.includes(plain.subarray(0, 16))).toBe(false);
    // The service has no column that could hold an image.
    const cols = await db.query<{ column_name: string; data_type: string }>(
      "select column_name, data_type from information_schema.columns where table_schema = 'bdmi' and table_name in ('faces', 'liveness_decisions') and data_type = 'bytea'",
    );
    expect(cols.rows.map((c) => c.column_name).sort()).toEqual(["subject", "subject", "template_cipher"]);
    const again = ZFaceEnrolResponse.parse((await post("/v1/faces", { nationalId: id, photo: b64(photoJpeg("man-tile-2")) })).json());
    expect(again.replaced).toBe(true);
  });

  it("refuses a photo with no face or two faces (422), and a non-JPEG (400 naming the field)", async () => {
    const none = await post("/v1/faces", { nationalId: newId(), photo: b64(noFaceJpeg()) });
    expect(none.status).toBe(422);
    expect(none.json()).toMatchObject({ type: "urn:bdmi:problem:no-face", errors: [{ path: "photo" }] });
    const two = await post("/v1/faces", { nationalId: newId(), photo: b64(twoFacesJpeg()) });
    expect(two.status).toBe(422);
    expect(two.json()).toMatchObject({ type: "urn:bdmi:problem:two-faces" });
    const png = await post("/v1/faces", { nationalId: newId(), photo: b64(Buffer.from("89504e470d0a1a0a0000000d49484452", "hex")) });
    expect(png.status).toBe(400);
    expect(png.json()).toMatchObject({ errors: [{ path: "photo", message: "not a JPEG" }] });
  });
});

describe("BDMI liveness checks", () => {
  it("serves a liveness fee of 3 TKY in the schedule", async () => {
    const fees = ZFeeSchedule.parse((await bdmiExchange(ep, { method: "GET", pathWithQuery: "/v1/fees" })).json());
    expect(fees.liveness).toEqual({ amount: "300000000", shares: [{ payee: "platform", amount: "200000000" }, { payee: "data-providers", amount: "100000000" }] });
  });

  it("passes the same man in other photos, charges 3 TKY once, records 10/01 evidence; a replay answers the same decision free", async () => {
    const id = await enrolMan();
    const body = livenessBody(id, [photoJpeg("man-tile-1"), photoJpeg("man-tile-3", { shift: [12, -8] })]);
    const r = await post("/v1/liveness-checks", body);
    expect(r.status, r.body.toString()).toBe(200);
    const d = ZLivenessResponse.parse(r.json());
    expect(d.decision, JSON.stringify(d)).toBe("pass");
    expect(d.reasons).toEqual([]);
    expect(d.scores.similarity!).toBeGreaterThanOrEqual(0.7);
    expect(d.scores.faces).toEqual([1, 1]);
    expect(d.thresholds).toEqual({ match: 0.7, review: 0.6, liveness: 0.5, antispoof: 0.3 });
    expect(d.fee.total).toBe("300000000");
    expect(d.evidenceId).not.toBeNull();
    const ev = await db.query("select source, item, result, period from bdmi.evidence where id = $1", [d.evidenceId]);
    expect(ev.rows[0]).toEqual({ source: "10", item: "01", result: 1, period: "2026-11" });

    const replay = ZLivenessResponse.parse((await post("/v1/liveness-checks", body)).json());
    expect(replay).toMatchObject({ replayed: true, decision: "pass", decisionId: d.decisionId, callId: d.callId });
    const calls = await db.query<{ n: number }>("select count(*)::int as n from bdmi.calls where idempotency_key = $1", [body.idempotencyKey]);
    expect(calls.rows[0]!.n).toBe(1);
    const evs = await db.query<{ n: number }>("select count(*)::int as n from bdmi.evidence where subject = $1 and item = '01' and source = '10'", [subjectOf(subjectKey, id)]);
    expect(evs.rows[0]!.n).toBe(1);
    // The same key with another body is a conflict, not a second decision.
    const other = await post("/v1/liveness-checks", { ...body, transcript: [...GOOD_TRANSCRIPT].reverse() });
    expect(other.status).toBe(409);
  });

  it("fails another person's face (no-match) and records no evidence", async () => {
    const id = await enrolMan();
    const d = ZLivenessResponse.parse((await post("/v1/liveness-checks", livenessBody(id, [photoJpeg("woman-fd-1"), photoJpeg("woman-fd-1", { shift: [10, 6] })]))).json());
    expect(d.decision).toBe("fail");
    expect(d.reasons).toContain("no-match");
    expect(d.scores.similarity!).toBeLessThan(0.6);
    expect(d.evidenceId).toBeNull();
    expect(d.fee.total).toBe("300000000");
  });

  it("fails two faces in a frame and no face in a frame, with reasons", async () => {
    const id = await enrolMan();
    const two = ZLivenessResponse.parse((await post("/v1/liveness-checks", livenessBody(id, [photoJpeg("man-tile-1"), twoFacesJpeg()]))).json());
    expect(two).toMatchObject({ decision: "fail" });
    expect(two.reasons).toContain("two-faces");
    expect(two.scores.faces).toEqual([1, 2]);
    const none = ZLivenessResponse.parse((await post("/v1/liveness-checks", livenessBody(id, [noFaceJpeg(), photoJpeg("man-tile-1")]))).json());
    expect(none.decision).toBe("fail");
    expect(none.reasons).toContain("no-face");
  });

  it("fails an implausible transcript (all steps within 200 ms, out of order) and a still picture sent twice", async () => {
    const id = await enrolMan();
    const frames = [photoJpeg("man-tile-1"), photoJpeg("man-tile-3", { shift: [12, -8] })];
    const fast = ZLivenessResponse.parse(
      (await post("/v1/liveness-checks", livenessBody(id, frames, { transcript: [{ step: "blink", atMs: 10 }, { step: "turn-left", atMs: 60 }] }))).json(),
    );
    expect(fast.decision).toBe("fail");
    expect(fast.reasons).toContain("implausible-timing");
    const order = ZLivenessResponse.parse(
      (await post("/v1/liveness-checks", livenessBody(id, frames, { transcript: [{ step: "turn-left", atMs: 900 }, { step: "blink", atMs: 2500 }] }))).json(),
    );
    expect(order.decision).toBe("fail");
    expect(order.reasons).toContain("challenge-order");
    const still = photoJpeg("man-tile-1");
    const photo = ZLivenessResponse.parse((await post("/v1/liveness-checks", livenessBody(id, [still, still]))).json());
    expect(photo.decision).toBe("fail");
    expect(photo.reasons).toContain("static-frames");
  });

  it("answers 404 without a charge when no face is enrolled, and 400/413 naming the frame for a non-JPEG or huge frame", async () => {
    const body = livenessBody(newId(), [photoJpeg("man-tile-1"), photoJpeg("man-tile-2")]);
    const r = await post("/v1/liveness-checks", body);
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({ type: "urn:bdmi:problem:no-template" });
    const calls = await db.query<{ n: number }>("select count(*)::int as n from bdmi.calls where idempotency_key = $1", [body.idempotencyKey]);
    expect(calls.rows[0]!.n).toBe(0);

    const id = await enrolMan();
    const gif = await post("/v1/liveness-checks", livenessBody(id, [photoJpeg("man-tile-1"), Buffer.from("GIF89a-not-a-jpeg-at-all")]));
    expect(gif.status).toBe(400);
    expect(gif.json()).toMatchObject({ errors: [{ path: "frames.1" }] });
    const huge = await post("/v1/liveness-checks", { ...livenessBody(id, [photoJpeg("man-tile-1")]), frames: [b64(photoJpeg("man-tile-1")), "A".repeat(700_000)] });
    expect(huge.status).toBe(400);
    expect(JSON.stringify(huge.json())).toContain("frames.1");
  });
});
