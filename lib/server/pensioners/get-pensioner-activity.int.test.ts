import { randomBytes, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../db/client";
import { createUser, pensionerInput } from "../../../test/fixtures";
import type { TActor } from "../actor";
import { openCheckRows, printRegionNotices } from "../notices/print-region-notices";
import { printCheckNotice } from "../notices/print-check-notice";
import { printSuspensionNotice } from "../notices/print-suspension-notice";
import { createPensioner } from "./create-pensioner";
import { getPensionerActivity } from "./get-pensioner-activity";

// The pensioner page's lists on real PostgreSQL: cases, checks, kiosk attempts and printed notices
// (single, case and batch prints from the audit trail), newest first, limited to the caller's
// regions and permissions, with empty lists for someone with nothing yet.

const COUNTY = "520103"; // 云岩区
const ZUNYI = "520302";
let officer: Awaited<ReturnType<typeof createUser>>;
let supervisor: Awaited<ReturnType<typeof createUser>>;
let admin: Awaited<ReturnType<typeof createUser>>;
let zunyiOfficer: Awaited<ReturnType<typeof createUser>>;
let pensionerId: string;
let emptyId: string;
const ids = {} as Record<"passed" | "open" | "moved" | "openCase" | "closedCase" | "zunyiCase" | "attemptPass" | "attemptOpen", string>;

/** A fresh request id for each print, as each request has its own. */
const fresh = (a: TActor): TActor => ({ ...a, requestId: randomUUID() });
const drain = async (s: ReadableStream<Uint8Array>) => {
  for await (const _ of s as unknown as AsyncIterable<Uint8Array>);
};

beforeAll(async () => {
  officer = await createUser("officer", ["5201"]);
  supervisor = await createUser("supervisor", ["52"]);
  admin = await createUser("admin", ["52"]);
  zunyiOfficer = await createUser("officer", ["5203"]);
  pensionerId = (await createPensioner(admin.actor, await pensionerInput(COUNTY, { name: "经历甲" }), "zh-CN")).id;
  emptyId = (await createPensioner(admin.actor, await pensionerInput(COUNTY, { name: "经历乙" }), "zh-CN")).id;

  const check = (period: string, status: "scheduled" | "passed", regionCode = COUNTY) =>
    prisma().kioskCheck.create({
      data: { pensionerId, regionCode, period, reason: "cohort", status, dueOn: new Date(`${period}-28`), decidedAt: status === "passed" ? new Date() : null },
      select: { id: true },
    });
  ids.passed = (await check("2032-01", "passed")).id;
  ids.open = (await check("2032-02", "scheduled")).id;
  // From before the pensioner moved to Guiyang: Zunyi's, not shown to a Guiyang officer.
  ids.moved = (await check("2031-12", "passed", ZUNYI)).id;

  const kiosk = await prisma().kioskDevice.create({
    data: { regionCode: "5201", name: "云岩终端", location: "区政务中心", tokenHash: randomBytes(32), enrolledAt: new Date() },
    select: { id: true },
  });
  const attempt = (checkId: string, o: { decision?: string; at: Date }) =>
    prisma().kioskAttempt.create({
      data: {
        checkId,
        pensionerId,
        regionCode: COUNTY,
        deviceId: kiosk.id,
        steps: ["blink", "turn-left"],
        locale: "zh-CN",
        issuedAt: o.at,
        expiresAt: new Date(o.at.getTime() + 90_000),
        submittedAt: o.decision ? new Date(o.at.getTime() + 30_000) : null,
        decision: o.decision ?? null,
        reasons: [],
      },
      select: { id: true },
    });
  ids.attemptPass = (await attempt(ids.passed, { decision: "pass", at: new Date(Date.now() - 86_400_000) })).id;
  ids.attemptOpen = (await attempt(ids.open, { at: new Date() })).id;

  const kase = (o: { status: "open" | "closed"; period: string; regionCode?: string; reason: "check_failed" | "overdue" }) =>
    prisma().case.create({
      data: { pensionerId, regionCode: o.regionCode ?? COUNTY, reason: o.reason, period: o.period, status: o.status, outcome: o.status === "closed" ? "suspend" : null, closedAt: o.status === "closed" ? new Date() : null },
      select: { id: true },
    });
  ids.closedCase = (await kase({ status: "closed", period: "2032-01", reason: "check_failed" })).id;
  ids.openCase = (await kase({ status: "open", period: "2032-02", reason: "overdue" })).id;
  ids.zunyiCase = (await kase({ status: "open", period: "2031-12", regionCode: ZUNYI, reason: "overdue" })).id;
  await prisma().paymentHold.create({
    data: { pensionerId, regionCode: COUNTY, caseId: ids.closedCase, kind: "suspended", cause: "unverified", monthlyFen: 320000n, startPeriod: "2032-01" },
  });
});

describe("the pensioner page's lists", () => {
  it("lists cases, checks and attempts newest first, each with its reference, only in the caller's regions", async () => {
    const a = await getPensionerActivity(officer.actor, pensionerId);
    expect(a.cases).toEqual({
      total: 2,
      items: [
        expect.objectContaining({ id: ids.openCase, reference: `C-${ids.openCase.slice(0, 8).toUpperCase()}`, reason: "overdue", status: "open", outcome: null }),
        expect.objectContaining({ id: ids.closedCase, reason: "check_failed", status: "closed", outcome: "suspend" }),
      ],
    });
    expect(a.checks!.items.map((c) => [c.id, c.reference, c.status])).toEqual([
      [ids.open, `K-2032-02-${ids.open.slice(0, 8).toUpperCase()}`, "scheduled"],
      [ids.passed, `K-2032-01-${ids.passed.slice(0, 8).toUpperCase()}`, "passed"],
    ]);
    expect(a.attempts!.items).toEqual([
      expect.objectContaining({ id: ids.attemptOpen, checkId: ids.open, decision: null, submittedAt: null, device: "云岩终端", location: "区政务中心" }),
      expect.objectContaining({ id: ids.attemptPass, checkId: ids.passed, checkReference: `K-2032-01-${ids.passed.slice(0, 8).toUpperCase()}`, decision: "pass", reasons: [] }),
    ]);
    // The province sees the Zunyi check and case too.
    const all = await getPensionerActivity(supervisor.actor, pensionerId);
    expect(all.checks!.items.map((c) => c.id)).toEqual([ids.open, ids.passed, ids.moved]);
    expect(all.cases!.items.map((c) => c.id).sort()).toEqual([ids.openCase, ids.closedCase, ids.zunyiCase].sort());
  });

  it("lists printed notices from the audit trail: the check's own, its case's, and the region batches printed while the check was open", async () => {
    const before = await getPensionerActivity(officer.actor, pensionerId);
    expect(before.notices).toEqual({ total: 0, items: [] });

    await printCheckNotice(fresh(officer.actor), ids.open, "A5");
    await printSuspensionNotice(fresh(officer.actor), ids.closedCase, "A4");
    await drain((await printRegionNotices(fresh(officer.actor), { region: COUNTY, period: "2032-02", size: "A4" })).stream);
    // A batch of the whole city (printed by someone of the city) covers this county's check as well.
    await drain((await printRegionNotices(fresh(supervisor.actor), { region: "5201", period: "2032-02", size: "A4" })).stream);
    // A batch that broke off after its first page: listed, marked.
    async function* breaking(q: { region: string; period: string }, slice?: number) {
      for await (const rows of openCheckRows(q, slice)) {
        yield rows;
        throw new Error("connection lost");
      }
    }
    const broken = await printRegionNotices(fresh(officer.actor), { region: COUNTY, period: "2032-02", size: "A5" }, { rows: breaking });
    await drain(broken.stream).catch(() => {});
    await expect.poll(async () => (await prisma().auditEvent.count({ where: { action: "notice.print_failed", targetId: COUNTY } })) > 0).toBe(true);
    // Not this pensioner's: the month whose check she had already passed, and another county's batch.
    const other = await createPensioner(admin.actor, await pensionerInput("520102", { name: "别人" }), "zh-CN");
    await prisma().kioskCheck.create({ data: { pensionerId: other.id, regionCode: "520102", period: "2032-02", reason: "cohort", status: "scheduled", dueOn: new Date("2032-02-28") } });
    await drain((await printRegionNotices(fresh(officer.actor), { region: "520102", period: "2032-02", size: "A4" })).stream);
    await prisma().kioskCheck.create({ data: { pensionerId: other.id, regionCode: COUNTY, period: "2032-01", reason: "cohort", status: "scheduled", dueOn: new Date("2032-01-28") } });
    await drain((await printRegionNotices(fresh(officer.actor), { region: COUNTY, period: "2032-01", size: "A4" })).stream);

    const { notices } = await getPensionerActivity(officer.actor, pensionerId);
    const openRef = `K-2032-02-${ids.open.slice(0, 8).toUpperCase()}`;
    expect(notices!.items.map(({ kind, via, failed, region, size, checkId, caseId, reference }) => ({ kind, via, failed, region, size, checkId, caseId, reference }))).toEqual([
      { kind: "check", via: "batch", failed: true, region: COUNTY, size: "A5", checkId: ids.open, caseId: null, reference: openRef },
      { kind: "check", via: "batch", failed: false, region: "5201", size: "A4", checkId: ids.open, caseId: null, reference: openRef },
      { kind: "check", via: "batch", failed: false, region: COUNTY, size: "A4", checkId: ids.open, caseId: null, reference: openRef },
      { kind: "suspension", via: "single", failed: false, region: COUNTY, size: "A4", checkId: null, caseId: ids.closedCase, reference: `C-${ids.closedCase.slice(0, 8).toUpperCase()}` },
      { kind: "check", via: "single", failed: false, region: COUNTY, size: "A5", checkId: ids.open, caseId: null, reference: openRef },
    ]);
    expect(notices!.total).toBe(5);
    expect(notices!.items[1]!.actorName).toBe(supervisor.username);
    // A limit keeps the page short and says how many there are.
    const short = await getPensionerActivity(officer.actor, pensionerId, 2);
    expect(short.notices).toMatchObject({ total: 5, items: [{ via: "batch" }, { via: "batch" }] });
    expect(short.checks).toMatchObject({ total: 2 });
  });

  it("shows empty lists for a pensioner with nothing yet", async () => {
    expect(await getPensionerActivity(officer.actor, emptyId)).toEqual({
      cases: { total: 0, items: [] },
      checks: { total: 0, items: [] },
      attempts: { total: 0, items: [] },
      notices: { total: 0, items: [] },
    });
  });

  it("leaves out what the caller's role may not read, and is not found outside the caller's regions", async () => {
    // An administrator reads the roll, not cases, checks or notices.
    expect(await getPensionerActivity(admin.actor, pensionerId)).toEqual({ cases: null, checks: null, attempts: null, notices: null });
    await expect(getPensionerActivity(zunyiOfficer.actor, pensionerId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getPensionerActivity(officer.actor, "not-a-uuid")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getPensionerActivity(officer.actor, randomUUID())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
