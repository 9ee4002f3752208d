import { env } from "../../env.js";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pool, prisma } from "../../db/client";
import { configuredServiceKeys, startBdmiService, type TBdmiService } from "../../bdmi/service/start";
import { analyseJpeg } from "../../bdmi/service/face-engine";
import { currentPeriod } from "../../domain/period";
import { createUser, pensionerInput } from "../../../test/fixtures";
import { noFaceJpeg, photoJpeg } from "../../../test/face-fixtures";
import { configuredEndpoint, createBdmiClient, useBdmiClient, type TBdmiClient } from "../bdmi/bdmi-client";
import { createPensioner } from "../pensioners/create-pensioner";
import { expireOverdueChecks } from "../checks/expire-overdue-checks";
import { listKioskChecks, todayCst } from "../checks/list-kiosk-checks";
import { systemActor, type TActor } from "../actor";
import { authenticateKioskDevice, KIOSK_TOKEN_COOKIE, type TKioskDevice } from "./authenticate-device";
import { signCheckToken } from "./check-token";
import { enrolKioskDevice } from "./enrol-kiosk-device";
import { enrolPensionerFace } from "./enrol-pensioner-face";
import { exchangeEnrolmentCode } from "./exchange-enrolment-code";
import { identifyKioskPensioner, maskName } from "./identify-kiosk-pensioner";
import { listKioskDevices } from "./list-kiosk-devices";
import { revokeKioskDevice } from "./revoke-kiosk-device";
import { startKioskCheck } from "./start-kiosk-check";
import { submitKioskCheck } from "./submit-kiosk-check";

// The kiosk end to end on the platform side: devices, identify, start and submit through the
// reference BDMI service over real HTTP (Human on the WebAssembly backend in this process).

const COUNTY = "520103";
let bdmi: TBdmiService;
let client: TBdmiClient;
let admin: Awaited<ReturnType<typeof createUser>>;
let officer: Awaited<ReturnType<typeof createUser>>;
let manEmbedding: number[];

async function newDevice(regionCode = "5201"): Promise<{ device: TKioskDevice; token: string; actor: TActor }> {
  const { code } = await enrolKioskDevice(admin.actor, { regionCode, name: `kiosk-${Math.random().toString(36).slice(2, 7)}`, location: "大厅" });
  const { token } = await exchangeEnrolmentCode({ ...systemActor(), role: "anonymous" }, code);
  const device = (await authenticateKioskDevice(token))!;
  return { device, token, actor: { userId: device.id, role: "kiosk", regions: [device.regionCode], requestId: null, ip: "127.0.0.1" } };
}

/** A pensioner with an enrolled face and a scheduled check this period (optionally a status already). */
async function pensionerWithCheck(o: { status?: "suspected" | "alive" } = {}) {
  const input = await pensionerInput(COUNTY, { name: "王小梅" });
  const p = await createPensioner(officer.actor, input, "zh-CN");
  await enrolPensionerFace(officer.actor, p.id, photoJpeg("man-selected"), client);
  const period = currentPeriod();
  if (o.status) {
    await pool().query(
      `insert into survival_statuses (pensioner_id, period, region_code, status, basis, s, t, model_version, evidence_refs)
       values ($1, $2, $3, $4, 'lapsed', 0, 0, '1', '{}')`,
      [p.id, period, COUNTY, o.status],
    );
  }
  const check = await prisma().kioskCheck.create({
    data: { pensionerId: p.id, regionCode: COUNTY, period, reason: "suspected", dueOn: new Date(Date.now() + 20 * 86_400_000) },
    select: { id: true },
  });
  return { pensionerId: p.id, nationalId: input.nationalId, checkId: check.id, period };
}

const transcriptFor = (steps: string[]) => steps.map((step, i) => ({ step: step as "blink", atMs: 1200 + i * 1500 }));
const b64 = (b: Buffer) => b.toString("base64");
const genuine = () => [b64(photoJpeg("man-tile-1")), b64(photoJpeg("man-tile-3", { shift: [12, -8] }))];
const impostor = () => [b64(photoJpeg("woman-fd-1")), b64(photoJpeg("woman-fd-1", { shift: [9, 5] }))];

async function tryOnce(k: Awaited<ReturnType<typeof newDevice>>, checkId: string, frames: string[], embedding = manEmbedding, c = client) {
  const ch = await startKioskCheck(k.actor, k.device, checkId, { consent: true, locale: "zh-CN" });
  const body = { challengeId: ch.challengeId, transcript: transcriptFor(ch.steps), liveness: 0.9, antispoof: 0.8, embedding, frames };
  return { ch, body, result: await submitKioskCheck(k.actor, k.device, checkId, body, c) };
}

beforeAll(async () => {
  bdmi = await startBdmiService({
    databaseUrl: inject("databaseUrl"),
    ...configuredServiceKeys(),
    thresholds: { match: 0.7, review: 0.6, liveness: 0.5, antispoof: 0.3 },
  });
  client = createBdmiClient({ ...configuredEndpoint(), baseUrl: bdmi.url }, { retries: 1, timeoutMs: 20_000 });
  useBdmiClient(client);
  admin = await createUser("admin", ["52"]);
  officer = await createUser("officer", ["5201"]);
  manEmbedding = (await analyseJpeg(photoJpeg("man-tile-2"))).faces[0]!.embedding;
});

afterAll(async () => {
  useBdmiClient(undefined);
  await bdmi?.close();
});

describe("kiosk devices", () => {
  it("enrols with a one-time code stored hashed, exchanges it once for a token, lists and revokes, with audit events", async () => {
    const { id, code, codeExpiresAt } = await enrolKioskDevice(admin.actor, { regionCode: "5201", name: "南明大厅 1", location: "南明区政务服务中心" });
    expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    expect(Date.parse(codeExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const row = await prisma().kioskDevice.findUniqueOrThrow({ where: { id }, select: { codeHash: true, tokenHash: true } });
    expect(Buffer.from(row.codeHash!).toString("utf8")).not.toContain(code.replace("-", ""));
    expect(row.tokenHash).toBeNull();

    const anon: TActor = { ...systemActor(), role: "anonymous" };
    const { device, token } = await exchangeEnrolmentCode(anon, code.toLowerCase());
    expect(device).toMatchObject({ deviceId: id, regionCode: "5201", name: "南明大厅 1" });
    expect(token.length).toBeGreaterThanOrEqual(43);
    await expect(exchangeEnrolmentCode(anon, code)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await authenticateKioskDevice(token)).toMatchObject({ id, regionCode: "5201" });

    const list = await listKioskDevices(admin.actor, { page: 1, pageSize: 200 });
    expect(list.items.find((d) => d.id === id)).toMatchObject({ state: "active" });
    expect(JSON.stringify(list)).not.toContain(token);
    // An officer's regions do not widen an admin scope: another admin of Zunyi does not see it.
    const zunyi = await createUser("admin", ["5203"]);
    expect((await listKioskDevices(zunyi.actor, { page: 1, pageSize: 200 })).items.some((d) => d.id === id)).toBe(false);
    await expect(revokeKioskDevice(zunyi.actor, id)).rejects.toMatchObject({ code: "NOT_FOUND" });

    await revokeKioskDevice(admin.actor, id);
    expect(await authenticateKioskDevice(token)).toBeNull();
    const audit = await prisma().auditEvent.findMany({ where: { targetType: "kiosk_device", targetId: id }, select: { action: true }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["kiosk_device.enrol", "kiosk_device.exchange", "kiosk_device.revoke"]);
  });

  it("refuses an expired code and a region outside the admin's scope", async () => {
    const { id, code } = await enrolKioskDevice(admin.actor, { regionCode: "5201", name: "old", location: "x" });
    await prisma().kioskDevice.update({ where: { id }, data: { codeExpiresAt: new Date(Date.now() - 1000) } });
    await expect(exchangeEnrolmentCode({ ...systemActor(), role: "anonymous" }, code)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const zunyi = await createUser("admin", ["5203"]);
    await expect(enrolKioskDevice(zunyi.actor, { regionCode: "5201", name: "n", location: "l" })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: [{ path: "body.regionCode" }],
    });
  });

  it("answers 401 problem+json to a revoked device on the very next request", async () => {
    const k = await newDevice();
    const { POST } = await import("../../../app/api/v1/kiosk/identify/route");
    const call = () =>
      POST(new NextRequest("http://localhost/api/v1/kiosk/identify", { method: "POST", headers: { cookie: `${KIOSK_TOKEN_COOKIE}=${k.token}`, "content-type": "application/json" }, body: JSON.stringify({ nationalId: "520103194001010011" }) }), { params: Promise.resolve({}) });
    expect((await call()).status).toBe(404);
    await revokeKioskDevice(admin.actor, k.device.id);
    const r = await call();
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("kiosk rate limits", () => {
  it("holds back identify past its per-device limit (429 problem+json with Retry-After), and the enrolment-code exchange per address", async () => {
    const k = await newDevice();
    const { POST } = await import("../../../app/api/v1/kiosk/identify/route");
    const identify = () =>
      POST(new NextRequest("http://localhost/api/v1/kiosk/identify", { method: "POST", headers: { "x-kiosk-token": k.token, "content-type": "application/json", "x-pension-client-ip": "10.60.0.1" }, body: JSON.stringify({ nationalId: "520103194001010011" }) }), { params: Promise.resolve({}) });
    for (let i = 0; i < env.KIOSK_IDENTIFY_PER_DEVICE; i++) expect((await identify()).status).toBe(404);
    const held = await identify();
    expect(held.status).toBe(429);
    expect(held.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(held.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await held.json()).toMatchObject({ code: "RATE_LIMITED", errors: [{ path: "request" }] });
    // Another kiosk at the same address is not held back by this one's count.
    const other = await newDevice();
    const r = await POST(new NextRequest("http://localhost/api/v1/kiosk/identify", { method: "POST", headers: { "x-kiosk-token": other.token, "content-type": "application/json", "x-pension-client-ip": "10.60.0.1" }, body: JSON.stringify({ nationalId: "520103194001010011" }) }), { params: Promise.resolve({}) });
    expect(r.status).toBe(404);

    const enrol = (await import("../../../app/api/v1/kiosk/enrol/route")).POST;
    const exchange = (ip: string) =>
      enrol(new NextRequest("http://localhost/api/v1/kiosk/enrol", { method: "POST", headers: { "content-type": "application/json", "x-pension-client-ip": ip }, body: JSON.stringify({ code: "WRONG-CODE-0000" }) }), { params: Promise.resolve({}) });
    for (let i = 0; i < env.KIOSK_ENROL_PER_IP; i++) expect((await exchange("10.61.0.1")).status).not.toBe(429);
    expect((await exchange("10.61.0.1")).status).toBe(429);
    expect((await exchange("10.61.0.2")).status).not.toBe(429);
  });
});

describe("kiosk identify", () => {
  it("finds the pensioner by ID number or by a signed QR token, in the device's region only, and shows only the masked name", async () => {
    const k = await newDevice();
    const p = await pensionerWithCheck();
    const byId = await identifyKioskPensioner(k.actor, k.device, { nationalId: p.nationalId });
    expect(byId).toMatchObject({ checkId: p.checkId, maskedName: "王*梅", triesLeft: 3 });
    const token = signCheckToken({ pensionerId: p.pensionerId, checkId: p.checkId, exp: new Date(Date.now() + 3600_000) });
    expect(await identifyKioskPensioner(k.actor, k.device, { qrToken: token })).toMatchObject({ checkId: p.checkId, maskedName: "王*梅" });

    const [v, payload, mac] = token.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ p: p.pensionerId, c: p.checkId, exp: Math.floor(Date.now() / 1000) + 86_400 * 365 })).toString("base64url");
    for (const forged of [`${v}.${forgedPayload}.${mac}`, `${v}.${payload}.${"A".repeat(mac!.length)}`]) {
      await expect(identifyKioskPensioner(k.actor, k.device, { qrToken: forged })).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: [{ path: "body.qrToken" }] });
    }
    const expired = signCheckToken({ pensionerId: p.pensionerId, checkId: p.checkId, exp: new Date(Date.now() - 1000) });
    await expect(identifyKioskPensioner(k.actor, k.device, { qrToken: expired })).rejects.toMatchObject({ code: "VALIDATION" });

    const zunyi = await newDevice("5203");
    await expect(identifyKioskPensioner(zunyi.actor, zunyi.device, { nationalId: p.nationalId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(identifyKioskPensioner(zunyi.actor, zunyi.device, { qrToken: token })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(maskName("李四")).toBe("李*");
  });
});

describe("kiosk checks: start and submit", () => {
  it("passes the enrolled man: check passed, fees for the check and the reassessment, status revised with the old row kept; a replay is 409", async () => {
    const k = await newDevice();
    const p = await pensionerWithCheck({ status: "suspected" });
    const { ch, body, result } = await tryOnce(k, p.checkId, genuine());
    expect(ch.steps[0]).toBe("blink");
    expect(["turn-left", "turn-right"]).toContain(ch.steps[1]);
    expect(result).toEqual({ decision: "pass", reasons: [], triesLeft: 0 });
    expect(await prisma().kioskCheck.findFirstOrThrow({ where: { id: p.checkId }, select: { status: true } })).toEqual({ status: "passed" });
    const st = await prisma().survivalStatus.findFirstOrThrow({ where: { pensionerId: p.pensionerId, period: p.period }, select: { status: true, basis: true } });
    expect(st).toEqual({ status: "alive", basis: "strong" });
    const rev = await prisma().survivalStatusRevision.findMany({ where: { pensionerId: p.pensionerId }, select: { status: true, cause: true, checkId: true } });
    expect(rev).toEqual([{ status: "suspected", cause: "kiosk-check", checkId: p.checkId }]);
    await expect(pool().query("delete from survival_status_revisions where pensioner_id = $1", [p.pensionerId])).rejects.toThrow(/append-only/);
    const fees = await prisma().feeRecord.findMany({ where: { regionCode: COUNTY, period: p.period, runId: null }, select: { kind: true, amount: true, bdmiCallId: true } });
    const mine = fees.filter((f) => f.kind === "liveness" || f.kind === "assessment");
    expect(mine.filter((f) => f.kind === "liveness").some((f) => f.amount === 300_000_000n)).toBe(true);
    // The try's fees (the check and its reassessment) settle as one: one intent, both records, their sum.
    const settled = await pool().query<{ kind: string; amount: string; fees: string[] }>(
      `select s.kind, s.amount::text, array_agg(f.kind order by f.kind) as fees from settlements s join fee_records f on f.settlement_id = s.id
        where s.idempotency_key = $1 group by s.id`,
      [`fee-check:${ch.challengeId}`],
    );
    expect(settled.rows).toHaveLength(1);
    expect(settled.rows[0]).toMatchObject({ kind: "fee-check", fees: ["assessment", "liveness"] });
    const both = await pool().query<{ n: string; sum: string }>(`select count(*) as n, sum(amount)::text as sum from fee_records where settlement_id = (select id from settlements where idempotency_key = $1)`, [`fee-check:${ch.challengeId}`]);
    expect(both.rows[0]).toEqual({ n: "2", sum: settled.rows[0]!.amount });
    const actions = (await prisma().auditEvent.findMany({ where: { OR: [{ targetId: p.checkId }, { targetId: p.pensionerId }] }, select: { action: true } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["kiosk_check.start", "kiosk_check.submit", "survival.revised", "survival.transition", "pensioner.face_enrol"]));

    await expect(submitKioskCheck(k.actor, k.device, p.checkId, body, client)).rejects.toMatchObject({ code: "CONFLICT" });
    const n = await pool().query<{ n: number }>("select count(*)::int as n from bdmi.calls where idempotency_key = $1", [`kiosk-attempt:${ch.challengeId}`]);
    expect(n.rows[0]!.n).toBe(1);
  });

  it("counts failures: another person's face fails, tries go 2, 1, then the check fails and a case opens", async () => {
    const k = await newDevice();
    const p = await pensionerWithCheck();
    const left: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { result } = await tryOnce(k, p.checkId, impostor());
      expect(result.decision).toBe("fail");
      expect(result.reasons).toContain("no-match");
      left.push(result.triesLeft);
    }
    expect(left).toEqual([2, 1, 0]);
    expect(await prisma().kioskCheck.findFirstOrThrow({ where: { id: p.checkId }, select: { status: true, failures: true } })).toEqual({ status: "failed", failures: 3 });
    expect(await prisma().case.findFirst({ where: { pensionerId: p.pensionerId, reason: "check_failed" }, select: { status: true } })).toEqual({ status: "open" });
    await expect(startKioskCheck(k.actor, k.device, p.checkId, { consent: true, locale: "en" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(identifyKioskPensioner(k.actor, k.device, { nationalId: p.nationalId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("sends a browser embedding unlike the frames to review, which opens a case; a no-face frame fails", async () => {
    const k = await newDevice();
    const p = await pensionerWithCheck();
    const { result: noFace } = await tryOnce(k, p.checkId, [b64(noFaceJpeg()), genuine()[0]!]);
    expect(noFace).toMatchObject({ decision: "fail", triesLeft: 2 });
    expect(noFace.reasons).toContain("no-face");
    const { result } = await tryOnce(k, p.checkId, genuine(), new Array(1024).fill(0).map((_, i) => (i % 2 ? 1 : -1)));
    expect(result).toEqual({ decision: "review", reasons: ["client-mismatch"], triesLeft: 0 });
    expect(await prisma().kioskCheck.findFirstOrThrow({ where: { id: p.checkId }, select: { status: true } })).toEqual({ status: "review" });
    expect(await prisma().case.count({ where: { pensionerId: p.pensionerId, reason: "check_review" } })).toBe(1);
  });

  it("leaves the check in progress with nothing written when BDMI is down (502), and the same challenge succeeds later", async () => {
    const k = await newDevice();
    const p = await pensionerWithCheck();
    const ch = await startKioskCheck(k.actor, k.device, p.checkId, { consent: true, locale: "zh-CN" });
    const down = createBdmiClient({ ...configuredEndpoint(), baseUrl: "http://127.0.0.1:9" }, { retries: 0, timeoutMs: 2000 });
    const body = { challengeId: ch.challengeId, transcript: transcriptFor(ch.steps), liveness: 0.9, antispoof: 0.8, embedding: manEmbedding, frames: genuine() };
    await expect(submitKioskCheck(k.actor, k.device, p.checkId, body, down)).rejects.toMatchObject({ code: "BDMI_UNAVAILABLE", status: 502 });
    expect(await prisma().kioskAttempt.findFirstOrThrow({ where: { id: ch.challengeId }, select: { submittedAt: true } })).toEqual({ submittedAt: null });
    expect(await prisma().kioskCheck.findFirstOrThrow({ where: { id: p.checkId }, select: { status: true } })).toEqual({ status: "in_progress" });
    expect((await submitKioskCheck(k.actor, k.device, p.checkId, body, client)).decision).toBe("pass");
  });

  it("refuses a non-JPEG frame (400) and a huge frame (413) naming the frame, through the route", async () => {
    const k = await newDevice();
    const p = await pensionerWithCheck();
    const ch = await startKioskCheck(k.actor, k.device, p.checkId, { consent: true, locale: "zh-CN" });
    const body = { challengeId: ch.challengeId, transcript: transcriptFor(ch.steps), liveness: 0.9, antispoof: 0.8, embedding: manEmbedding, frames: genuine() };
    await expect(submitKioskCheck(k.actor, k.device, p.checkId, { ...body, frames: [genuine()[0]!, Buffer.from("GIF89a....").toString("base64")] }, client)).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: [{ path: "body.frames.1" }],
    });
    const { POST } = await import("../../../app/api/v1/kiosk/checks/[id]/submit/route");
    const huge = { ...body, frames: [genuine()[0]!, "/9j/" + "A".repeat(560_000)] };
    const r = await POST(
      new NextRequest(`http://localhost/api/v1/kiosk/checks/${p.checkId}/submit`, { method: "POST", headers: { "x-kiosk-token": k.token, "content-type": "application/json" }, body: JSON.stringify(huge) }),
      { params: Promise.resolve({ id: p.checkId }) },
    );
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(414);
    const prob = (await r.json()) as { errors: { path: string }[] };
    expect(prob.errors[0]!.path).toBe("body.frames.1");
    expect((await prisma().kioskAttempt.findFirstOrThrow({ where: { id: ch.challengeId }, select: { submittedAt: true } })).submittedAt).toBeNull();
  });
});

describe("officer view and the overdue sweep", () => {
  it("lists due checks in the officer's regions with overdue markers; the sweep expires them and opens overdue cases", async () => {
    const p = await pensionerWithCheck();
    // Due three CST days ago (the bureau's calendar, whatever the hour in UTC).
    const dueOn = todayCst(new Date(Date.now() - 3 * 86_400_000));
    await prisma().kioskCheck.updateMany({ where: { id: p.checkId }, data: { dueOn: new Date(`${dueOn}T00:00:00Z`) } });
    const list = await listKioskChecks(officer.actor, { status: "open", region: COUNTY, page: 1, pageSize: 200 });
    expect(list.items.find((c) => c.id === p.checkId)).toMatchObject({ overdue: true, status: "scheduled", name: "王小梅" });
    const zunyi = await createUser("officer", ["5203"]);
    expect((await listKioskChecks(zunyi.actor, { status: "all", page: 1, pageSize: 200 })).items.some((c) => c.id === p.checkId)).toBe(false);
    await expect(listKioskChecks(zunyi.actor, { status: "open", region: COUNTY, page: 1, pageSize: 10 })).rejects.toMatchObject({ code: "VALIDATION" });

    // Within the grace period (CASE_GRACE_DAYS after the due date) the check is overdue but stays open.
    await expireOverdueChecks(systemActor(), { graceDays: 30 });
    expect(await prisma().kioskCheck.findFirstOrThrow({ where: { id: p.checkId }, select: { status: true } })).toEqual({ status: "scheduled" });
    expect(await prisma().case.count({ where: { pensionerId: p.pensionerId, reason: "overdue" } })).toBe(0);
    // On the last day of grace still open; the day after, it expires and opens its overdue case.
    await expireOverdueChecks(systemActor(), { graceDays: 3 });
    expect(await prisma().kioskCheck.findFirstOrThrow({ where: { id: p.checkId }, select: { status: true } })).toEqual({ status: "scheduled" });
    expect(await expireOverdueChecks(systemActor(), { graceDays: 2 })).toBeGreaterThanOrEqual(1);
    expect(await prisma().kioskCheck.findFirstOrThrow({ where: { id: p.checkId }, select: { status: true } })).toEqual({ status: "expired" });
    expect(await prisma().case.count({ where: { pensionerId: p.pensionerId, reason: "overdue" } })).toBe(1);
  });
});
