import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import jsQR from "jsqr";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { TCurrentUser } from "../../auth/current-user";
import { pool, prisma } from "../../db/client";
import { env } from "../../env.js";
import { createUser, pensionerInput } from "../../../test/fixtures";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { listKioskChecks, ZChecksQuery } from "../checks/list-kiosk-checks";
import { identifyKioskPensioner } from "../kiosk/identify-kiosk-pensioner";
import { verifyCheckToken } from "../kiosk/check-token";
import { createPensioner } from "../pensioners/create-pensioner";
import { problem } from "../problem-response";
import { CHECK_NOTICE_SELECT, checkNoticeBuilder, servingKiosks, type TCheckNoticeRow } from "./check-notice-data";
import { QR_QUIET_MODULES, type TQrMatrix } from "./notice-qr";
import { printCheckNotice } from "./print-check-notice";
import { countRegionNotices, openCheckRows, printRegionNotices } from "./print-region-notices";
import { printSuspensionNotice } from "./print-suspension-notice";

// Notices against the real database: the PDFs' pages and paper sizes, the batch's rows and order,
// scope, the hold rule, audit and case events, and the QR code read back as a kiosk reads it.

const CITY = "5201";
const COUNTY = "520111"; // 花溪区
const COUNTY2 = "520112"; // 乌当区
const PERIOD = "2030-03";
const A4 = "[0 0 595.28 841.89]";
const A5 = "[0 0 419.53 595.28]";

// The routes' session is the only thing stood in for: withRoute, parsing, the use cases and
// problem+json are the real ones.
const session = vi.hoisted(() => ({ user: null as TCurrentUser | null }));
vi.mock("../../auth/current-user", () => ({ currentUser: async () => session.user }));

let officer: Awaited<ReturnType<typeof createUser>>;
let zunyi: Awaited<ReturnType<typeof createUser>>;

/** Page objects of a PDF (pdfkit writes each page's dictionary uncompressed). */
function pageCount(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type \/Page(?![s\w])/g)?.length ?? 0;
}
function mediaBoxes(pdf: Buffer): string[] {
  return [...pdf.toString("latin1").matchAll(/\/MediaBox (\[[^\]]*\])/g)].map((m) => m[1]!);
}
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) parts.push(c);
  return Buffer.concat(parts);
}
async function rejection(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

/** A pensioner with a check in `county` for `period` (open unless a status is given). */
async function withCheck(county: string, o: { name?: string; period?: string; status?: "scheduled" | "in_progress" | "passed"; paymentStatus?: "active" | "terminated"; dueOn?: string; by?: TActor } = {}) {
  const input = await pensionerInput(county, { name: o.name ?? "测试人员", paymentStatus: o.paymentStatus ?? "active" });
  const p = await createPensioner(o.by ?? officer.actor, input, "zh-CN");
  const check = await prisma().kioskCheck.create({
    data: { pensionerId: p.id, regionCode: county, period: o.period ?? PERIOD, reason: "cohort", status: o.status ?? "scheduled", dueOn: new Date(o.dueOn ?? "2030-04-30") },
    select: { id: true },
  });
  return { pensionerId: p.id, nationalId: input.nationalId, checkId: check.id };
}

async function device(regionCode: string, o: { revoked?: boolean; name?: string } = {}) {
  return prisma().kioskDevice.create({
    data: { regionCode, name: o.name ?? `终端-${randomUUID().slice(0, 4)}`, location: "政务服务中心一楼", tokenHash: randomBytes(32), enrolledAt: new Date(), revokedAt: o.revoked ? new Date() : null },
    select: { id: true, regionCode: true, name: true },
  });
}

/** Rasterises a QR matrix as the PDF lays it out (modules inside the quiet zone), 4 px a module, RGBA. */
function raster(m: TQrMatrix, px = 4): { data: Uint8ClampedArray; side: number } {
  const side = (m.size + 2 * QR_QUIET_MODULES) * px;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let r = 0; r < m.size; r++)
    for (let c = 0; c < m.size; c++) {
      if (!m.dark(r, c)) continue;
      for (let y = 0; y < px; y++)
        for (let x = 0; x < px; x++) {
          const i = (((QR_QUIET_MODULES + r) * px + y) * side + (QR_QUIET_MODULES + c) * px + x) * 4;
          data[i] = data[i + 1] = data[i + 2] = 0;
        }
    }
  return { data, side };
}

async function auditOf(targetId: string) {
  return prisma().auditEvent.findMany({ where: { targetId, action: "notice.print" }, select: { actorId: true, targetType: true, regionCode: true, summary: true }, orderBy: { id: "asc" } });
}

beforeAll(async () => {
  officer = await createUser("officer", [CITY]);
  zunyi = await createUser("officer", ["5203"]);
});

describe("check notice", () => {
  it("renders one page in A4 or A5, audits each print, and never serves a closed check or another region", async () => {
    const { checkId } = await withCheck(COUNTY, { name: "王小梅" });
    const a4 = await printCheckNotice(officer.actor, checkId, "A4");
    expect(a4.pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pageCount(a4.pdf)).toBe(1);
    expect(mediaBoxes(a4.pdf)).toEqual([A4]);
    expect(a4.fileName).toMatch(/^check-notice-\d{4}x{10}\d{3}[\dX]\.pdf$/);
    const a5 = await printCheckNotice(officer.actor, checkId, "A5");
    expect(pageCount(a5.pdf)).toBe(1);
    expect(mediaBoxes(a5.pdf)).toEqual([A5]);

    const audit = await auditOf(checkId);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actorId: officer.id, targetType: "kiosk_check", regionCode: COUNTY, summary: { kind: "check", count: 1, region: COUNTY, period: PERIOD, size: "A4" } });

    expect((await rejection(printCheckNotice(zunyi.actor, checkId, "A4"))).code).toBe("NOT_FOUND");
    const passed = await withCheck(COUNTY, { status: "passed" });
    const closed = await rejection(printCheckNotice(officer.actor, passed.checkId, "A4"));
    expect(closed.code).toBe("CONFLICT");
    expect(closed.userMessage).toContain("passed");
    expect(await auditOf(passed.checkId)).toHaveLength(0);
  });

  it("prints a QR code that decodes to the kiosk's own token for this pensioner and check, accepted by a kiosk of the region", async () => {
    const { checkId, pensionerId } = await withCheck(COUNTY, { dueOn: "2030-04-30" });
    const { rows } = await pool().query<TCheckNoticeRow>(`select ${CHECK_NOTICE_SELECT} from kiosk_checks c join pensioners p on p.id = c.pensioner_id where c.id = $1`, [checkId]);
    const data = await checkNoticeBuilder("A4")(rows[0]!);
    const { data: rgba, side } = raster(data.qr);
    const decoded = jsQR(rgba, side, side);
    expect(decoded).not.toBeNull();
    // Verified as of the due date: the token outlives it by the grace period.
    const claims = verifyCheckToken(decoded!.data, new Date("2030-04-30T12:00:00+08:00"));
    expect(claims).toMatchObject({ pensionerId, checkId });
    expect(claims!.exp.toISOString()).toBe(new Date(Date.parse("2030-04-30T00:00:00+08:00") + (env.CASE_GRACE_DAYS + 1) * 86_400_000).toISOString());
    expect(verifyCheckToken(decoded!.data, new Date(claims!.exp.getTime() + 1000))).toBeNull();
    expect(data.validUntil).toBe(new Date(Date.parse("2030-04-30") + env.CASE_GRACE_DAYS * 86_400_000).toISOString().slice(0, 10));

    // The kiosk's identify step takes the decoded text as it takes a camera scan.
    const kiosk = await device(CITY);
    const kioskActor: TActor = { userId: kiosk.id, role: "kiosk", regions: [kiosk.regionCode], requestId: null, ip: "127.0.0.1" };
    const who = await identifyKioskPensioner(kioskActor, kiosk, { qrToken: decoded!.data });
    expect(who.checkId).toBe(checkId);
    expect(who.maskedName).not.toContain("测试人员");
  });

  it("lists the kiosks that serve the county (county, city, province), active ones only, and masks the ID", async () => {
    const own = await device(COUNTY, { name: "花溪 A" });
    const city = await device(CITY, { name: "市民之家 B" });
    const revoked = await device(COUNTY, { name: "花溪 已撤销", revoked: true });
    const other = await device("5203", { name: "遵义 C" });
    const names = (await servingKiosks(COUNTY)).map((k) => k.name);
    expect(names).toContain(own.name);
    expect(names).toContain(city.name);
    expect(names.indexOf(own.name)).toBeLessThan(names.indexOf(city.name));
    expect(names).not.toContain(revoked.name);
    expect(names).not.toContain(other.name);

    const { checkId, nationalId } = await withCheck(COUNTY);
    const { rows } = await pool().query<TCheckNoticeRow>(`select ${CHECK_NOTICE_SELECT} from kiosk_checks c join pensioners p on p.id = c.pensioner_id where c.id = $1`, [checkId]);
    const data = await checkNoticeBuilder("A5")(rows[0]!);
    expect(data.maskedId).toBe(`${nationalId.slice(0, 4)}${"*".repeat(10)}${nationalId.slice(-4)}`);
    expect(data.kiosks.length).toBeLessThanOrEqual(2);
    expect(data.kiosks.length + data.moreKiosks).toBe(names.length);
    expect(data.county).toEqual({ name: "花溪区", nameEn: "Huaxi District" });
  });
});

describe("the staff reference a check notice prints", () => {
  it("finds its check on the checks list, typed as people type it, whatever the check's status, only in the caller's regions", async () => {
    const { checkId } = await withCheck(COUNTY, { name: "参考查找", period: "2030-08" });
    const { rows } = await pool().query<TCheckNoticeRow>(`select ${CHECK_NOTICE_SELECT} from kiosk_checks c join pensioners p on p.id = c.pensioner_id where c.id = $1`, [checkId]);
    const printed = (await checkNoticeBuilder("A4")(rows[0]!)).reference;
    expect(printed).toBe(`K-2030-08-${checkId.slice(0, 8).toUpperCase()}`);
    const hex = checkId.slice(0, 8);
    const found = async (ref: string, actor = officer.actor) => (await listKioskChecks(actor, ZChecksQuery.parse({ ref }))).items.map((i) => i.id);
    for (const typed of [printed, printed.toLowerCase(), printed.replaceAll("-", " "), hex.toUpperCase(), `2030-08-${hex}`, checkId]) {
      expect(await found(typed), typed).toEqual([checkId]);
    }
    expect((await listKioskChecks(officer.actor, ZChecksQuery.parse({ ref: printed }))).items[0]).toMatchObject({ name: "参考查找", reference: printed });
    // The month is part of the reference: another month's is another check.
    expect(await found(`K-2030-09-${hex}`)).toEqual([]);
    // Found after the pensioner has passed the check, which is when people ask about their notice.
    await prisma().kioskCheck.updateMany({ where: { id: checkId }, data: { status: "passed", decidedAt: new Date() } });
    expect(await found(printed)).toEqual([checkId]);
    // Another city's officer does not see it.
    expect(await found(printed, zunyi.actor)).toEqual([]);
    // Not a reference: 400 at query.ref, through the route.
    expect(ZChecksQuery.safeParse({ ref: "C-1234ABCD" }).error?.issues.map((i) => i.path.join("."))).toEqual(["ref"]);
    session.user = { userId: officer.id, sessionId: "s", username: "officer", displayName: "officer", role: "officer", regions: [CITY], setup: null, hasSecondFactor: false };
    const { GET } = await import("../../../app/api/v1/checks/route");
    const bad = await GET(new NextRequest("http://localhost/api/v1/checks?ref=nonsense"), { params: Promise.resolve({}) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([{ path: "query.ref", code: "checkReference", message: expect.any(String) }]);
    const ok = await GET(new NextRequest(`http://localhost/api/v1/checks?ref=${encodeURIComponent(printed)}`), { params: Promise.resolve({}) });
    expect((await ok.json()).items.map((i: { id: string }) => i.id)).toEqual([checkId]);
  });
});

describe("a region's batch", () => {
  it("prints one page per open check of the region and month, by county then name, across keyset pages, audited with its count", async () => {
    const period = "2030-05";
    const names = ["赵一", "钱二", "孙三", "李四", "周五"];
    for (const name of names) await withCheck(COUNTY2, { name, period });
    await withCheck(COUNTY, { name: "吴六", period });
    // Not printed: a passed check, another month, a terminated pension, another city.
    await withCheck(COUNTY2, { name: "郑七", period, status: "passed" });
    await withCheck(COUNTY2, { name: "王八", period: "2030-06" });
    await withCheck(COUNTY2, { name: "冯九", period, paymentStatus: "terminated" });
    await withCheck("520302", { name: "陈十", period, by: zunyi.actor });

    const rows = [];
    for await (const page of openCheckRows({ region: CITY, period }, 2)) {
      expect(page.length).toBeLessThanOrEqual(2);
      rows.push(...page);
    }
    expect(rows.map((r) => r.region_code)).toEqual([COUNTY, ...names.map(() => COUNTY2)]);
    const county2Names = rows.slice(1).map((r) => r.name);
    // Names in the database's own collation order, and the same rows whatever the keyset page size.
    const sorted = await pool().query<{ n: string[] }>(`select array_agg(x order by x) as n from unnest($1::text[]) x`, [names]);
    expect(county2Names).toEqual(sorted.rows[0]!.n);
    const whole = [];
    for await (const page of openCheckRows({ region: CITY, period }, 100)) whole.push(...page);
    expect(whole.map((r) => r.id)).toEqual(rows.map((r) => r.id));

    const batch = await printRegionNotices(officer.actor, { region: COUNTY2, period, size: "A5" }, { slice: 2 });
    expect(batch.count).toBe(5);
    const pdf = await readAll(batch.stream);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pageCount(pdf)).toBe(5);
    expect(mediaBoxes(pdf)).toEqual(Array(5).fill(A5));

    const city = await printRegionNotices(officer.actor, { region: CITY, period, size: "A4" });
    const cityPdf = await readAll(city.stream);
    expect(pageCount(cityPdf)).toBe(6);
    expect(new Set(mediaBoxes(cityPdf))).toEqual(new Set([A4]));

    const audit = await auditOf(COUNTY2);
    expect(audit.at(-1)).toMatchObject({ actorId: officer.id, targetType: "region", summary: { kind: "check", count: 5, region: COUNTY2, period, size: "A5" } });
    expect((await auditOf(CITY)).at(-1)).toMatchObject({ summary: { count: 6, region: CITY, period } });
    expect(await countRegionNotices(officer.actor, { region: COUNTY2, period })).toMatchObject({ count: 5, name: "乌当区" });
  });

  it("fails the download when the batch breaks part-way, never ending it as a shorter PDF, and audits the failure with the notices drawn", async () => {
    const period = "2030-07";
    for (const name of ["断一", "断二", "断三", "断四", "断五"]) await withCheck(COUNTY2, { name, period });
    // The real rows for the first keyset page, then the database goes away.
    async function* breaking(q: { region: string; period: string }, slice?: number) {
      for await (const rows of openCheckRows(q, slice)) {
        yield rows;
        throw new Error("Connection terminated unexpectedly");
      }
    }
    const batch = await printRegionNotices(officer.actor, { region: COUNTY2, period, size: "A4" }, { slice: 2, rows: breaking });
    expect(batch.count).toBe(5);
    const parts: Uint8Array[] = [];
    const failure = await (async () => {
      for await (const c of batch.stream as unknown as AsyncIterable<Uint8Array>) parts.push(c);
      return null;
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe("Connection terminated unexpectedly");
    // What did arrive is no complete PDF: no cross-reference table, no %%EOF.
    const got = Buffer.concat(parts).toString("latin1");
    expect(got).not.toContain("%%EOF");
    await expect
      .poll(() => prisma().auditEvent.findMany({ where: { targetId: COUNTY2, action: "notice.print_failed" }, select: { actorId: true, summary: true } }))
      .toEqual([{ actorId: officer.id, summary: { kind: "check", count: 5, drawn: 2, region: COUNTY2, period, size: "A4" } }]);

    // Over HTTP, through the pipe Next.js puts route bodies through: the client's read fails too,
    // rather than the response ending as if it were complete.
    const { pipeToNodeResponse } = await import("next/dist/server/pipe-readable");
    const again = await printRegionNotices(officer.actor, { region: COUNTY2, period, size: "A4" }, { slice: 2, rows: breaking });
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/pdf" });
      void pipeToNodeResponse(again.stream, res).catch(() => {});
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(res.status).toBe(200);
      await expect(res.arrayBuffer()).rejects.toThrow();
    } finally {
      server.close();
    }
  });

  it("refuses a region outside the caller's scope or unknown (query.region), and answers not found when nothing is open", async () => {
    const out = await rejection(printRegionNotices(zunyi.actor, { region: COUNTY, period: PERIOD, size: "A4" }));
    expect(out.code).toBe("VALIDATION");
    expect(out.fieldErrors).toEqual([{ path: "query.region", message: "regionOutOfScope" }]);
    const unknown = await rejection(printRegionNotices(officer.actor, { region: "5299", period: PERIOD, size: "A4" }));
    expect(unknown.fieldErrors).toEqual([{ path: "query.region", message: "regionUnknown" }]);
    const before = (await auditOf(COUNTY)).length;
    const none = await rejection(printRegionNotices(officer.actor, { region: COUNTY, period: "2029-01", size: "A4" }));
    expect(none.code).toBe("NOT_FOUND");
    expect(none.userMessage).toContain("2029-01");
    expect(await auditOf(COUNTY)).toHaveLength(before);
  });
});

describe("suspension notice", () => {
  async function caseWithHold(hold: "none" | "in-force" | "lifted", cause: "unverified" | "deceased" = "unverified") {
    const { pensionerId } = await withCheck(COUNTY, { period: "2030-07" });
    const c = await prisma().case.create({
      data: { pensionerId, regionCode: COUNTY, reason: cause === "deceased" ? "deceased" : "check_failed", period: "2030-07", status: "closed", outcome: cause === "deceased" ? "terminate" : "suspend", closedAt: new Date() },
      select: { id: true },
    });
    if (hold !== "none") {
      await prisma().paymentHold.create({
        data: {
          pensionerId,
          regionCode: COUNTY,
          caseId: c.id,
          kind: cause === "deceased" ? "terminated" : "suspended",
          cause,
          monthlyFen: 320050n,
          startPeriod: "2030-08",
          liftedPeriod: hold === "lifted" ? "2030-10" : null,
          liftedAt: hold === "lifted" ? new Date() : null,
        },
      });
    }
    return c.id;
  }

  it("prints the notice of a hold in force, adds notice_printed to the case and audits it in one go", async () => {
    for (const cause of ["unverified", "deceased"] as const) {
      const caseId = await caseWithHold("in-force", cause);
      for (const size of ["A4", "A5"] as const) {
        const { pdf, fileName } = await printSuspensionNotice(officer.actor, caseId, size);
        expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
        expect(pageCount(pdf)).toBe(1);
        expect(mediaBoxes(pdf)).toEqual([size === "A4" ? A4 : A5]);
        expect(fileName).toBe(`${cause === "deceased" ? "termination" : "suspension"}-notice-C-${caseId.slice(0, 8).toUpperCase()}.pdf`);
      }
      const events = await prisma().caseEvent.findMany({ where: { caseId, kind: "notice_printed" }, select: { actorId: true, regionCode: true, data: true } });
      expect(events).toHaveLength(2);
      expect(events[0]).toMatchObject({ actorId: officer.id, regionCode: COUNTY, data: { notice: cause === "deceased" ? "termination" : "suspension", size: "A4" } });
      const audit = await auditOf(caseId);
      expect(audit).toHaveLength(2);
      expect(audit[1]).toMatchObject({ targetType: "case", regionCode: COUNTY, summary: { kind: cause === "deceased" ? "termination" : "suspension", count: 1, region: COUNTY, period: "2030-08", size: "A5" } });
    }
  });

  it("refuses a case without a hold in force (409) and a case of another region (404), printing and recording nothing", async () => {
    for (const hold of ["none", "lifted"] as const) {
      const caseId = await caseWithHold(hold);
      const e = await rejection(printSuspensionNotice(officer.actor, caseId, "A4"));
      expect(e.code).toBe("CONFLICT");
      expect(e.status).toBe(409);
      expect(e.userMessage).toMatch(/no payment hold in force/);
      expect(await prisma().caseEvent.count({ where: { caseId, kind: "notice_printed" } })).toBe(0);
      expect(await auditOf(caseId)).toHaveLength(0);
    }
    const held = await caseWithHold("in-force");
    expect((await rejection(printSuspensionNotice(zunyi.actor, held, "A4"))).code).toBe("NOT_FOUND");
    expect(await auditOf(held)).toHaveLength(0);
  });
});

describe("the notice font", () => {
  it("answers a clear 500 problem naming NOTICE_FONT_PATH when the font is missing, not a crash", async () => {
    const { checkId } = await withCheck(COUNTY);
    const saved = env.NOTICE_FONT_PATH;
    env.NOTICE_FONT_PATH = "/nonexistent/NotoSansCJK-Regular.ttc";
    try {
      const e = await rejection(printCheckNotice(officer.actor, checkId, "A4"));
      expect(e.code).toBe("NOTICE_FONT_MISSING");
      const res = problem(e, "req-1", "en");
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect((await res.json()).detail).toMatch(/notice font is not installed; set NOTICE_FONT_PATH/);
      expect((await rejection(printRegionNotices(officer.actor, { region: COUNTY, period: PERIOD, size: "A4" }))).code).toBe("NOTICE_FONT_MISSING");
    } finally {
      env.NOTICE_FONT_PATH = saved;
    }
    expect(await auditOf(checkId)).toHaveLength(0);
    expect(pageCount((await printCheckNotice(officer.actor, checkId, "A4")).pdf)).toBe(1);
  });
});

describe("the routes", () => {
  const as = (u: Awaited<ReturnType<typeof createUser>>) => {
    session.user = { userId: u.id, sessionId: "s", username: u.username, displayName: u.username, role: u.actor.role as TCurrentUser["role"], regions: u.actor.regions, setup: null, hasSecondFactor: true };
  };
  const get = (path: string) => new NextRequest(`http://localhost/api/v1/notices/${path}`);
  const noParams = { params: Promise.resolve({}) };

  it("answer application/pdf, or problem+json with the code and field path of each refusal", async () => {
    const single = await import("../../../app/api/v1/notices/checks/[checkId]/route");
    const batch = await import("../../../app/api/v1/notices/checks/route");
    const summary = await import("../../../app/api/v1/notices/batch-summary/route");
    const suspension = await import("../../../app/api/v1/notices/cases/[caseId]/suspension/route");
    const period = "2030-09";
    const { checkId, pensionerId } = await withCheck(COUNTY, { period });
    await withCheck(COUNTY, { period });

    as(officer);
    const ok = await single.GET(get(`checks/${checkId}?size=A5`), { params: Promise.resolve({ checkId }) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/pdf");
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.headers.get("content-disposition")).toMatch(/^inline; filename="check-notice-\d{4}x{10}\d{3}[\dX]\.pdf"$/);
    const okPdf = Buffer.from(await ok.arrayBuffer());
    expect(pageCount(okPdf)).toBe(1);
    expect(mediaBoxes(okPdf)).toEqual([A5]);

    const badId = await single.GET(get("checks/nope"), { params: Promise.resolve({ checkId: "nope" }) });
    expect(badId.status).toBe(400);
    expect(badId.headers.get("content-type")).toBe("application/problem+json");
    expect((await badId.json()).errors[0].path).toBe("params.checkId");
    const badSize = await single.GET(get(`checks/${checkId}?size=A3`), { params: Promise.resolve({ checkId }) });
    expect((await badSize.json()).errors[0].path).toBe("query.size");

    const all = await batch.GET(get(`checks?region=${COUNTY}&period=${period}`), noParams);
    expect(all.status).toBe(200);
    expect(all.headers.get("content-type")).toBe("application/pdf");
    expect(all.headers.get("content-disposition")).toBe(`attachment; filename="check-notices-${COUNTY}-${period}-A4.pdf"`);
    expect(all.headers.get("x-notice-count")).toBe("2");
    expect(pageCount(Buffer.from(await all.arrayBuffer()))).toBe(2);
    const counted = await summary.GET(get(`batch-summary?region=${COUNTY}&period=${period}`), noParams);
    expect(await counted.json()).toMatchObject({ region: COUNTY, period, count: 2 });

    const missing = await batch.GET(get(`checks?period=${period}`), noParams);
    expect(missing.status).toBe(400);
    expect((await missing.json()).errors.map((e: { path: string }) => e.path)).toEqual(["query.region"]);
    const badPeriod = await batch.GET(get(`checks?region=${COUNTY}&period=2030-13`), noParams);
    expect((await badPeriod.json()).errors.map((e: { path: string }) => e.path)).toEqual(["query.period"]);
    const none = await batch.GET(get(`checks?region=${COUNTY}&period=2029-02`), noParams);
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ code: "NOT_FOUND", detail: expect.stringContaining("nothing to print") });

    as(zunyi);
    const outside = await batch.GET(get(`checks?region=${COUNTY}&period=${period}`), noParams);
    expect(outside.status).toBe(400);
    expect((await outside.json()).errors).toEqual([{ path: "query.region", code: "regionOutOfScope", message: expect.any(String) }]);

    as(officer);
    const c = await prisma().case.create({ data: { pensionerId, regionCode: COUNTY, reason: "overdue", period }, select: { id: true } });
    const noHold = await suspension.GET(get(`cases/${c.id}/suspension`), { params: Promise.resolve({ caseId: c.id }) });
    expect(noHold.status).toBe(409);
    expect(noHold.headers.get("content-type")).toBe("application/problem+json");
    expect(await noHold.json()).toMatchObject({ code: "CONFLICT", detail: expect.stringContaining("no payment hold in force") });

    const saved = env.NOTICE_FONT_PATH;
    env.NOTICE_FONT_PATH = "/nonexistent/font.ttc";
    try {
      const noFont = await single.GET(get(`checks/${checkId}`), { params: Promise.resolve({ checkId }) });
      expect(noFont.status).toBe(500);
      expect(await noFont.json()).toMatchObject({ code: "NOTICE_FONT_MISSING", detail: expect.stringContaining("set NOTICE_FONT_PATH") });
    } finally {
      env.NOTICE_FONT_PATH = saved;
    }

    const admin = await createUser("admin", ["52"]);
    as(admin);
    expect((await single.GET(get(`checks/${checkId}`), { params: Promise.resolve({ checkId }) })).status).toBe(403);
  });
});
