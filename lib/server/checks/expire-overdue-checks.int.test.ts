import { describe, expect, it } from "vitest";
import { prisma } from "../../db/client";
import { env } from "../../env.js";
import { createUser, pensionerInput } from "../../../test/fixtures";
import { systemActor } from "../actor";
import { createPensioner } from "../pensioners/create-pensioner";
import { expireOverdueChecks } from "./expire-overdue-checks";

// The overdue sweep waits out the grace period (CASE_GRACE_DAYS, 30 by default) after a check's
// due date before it expires the check and opens an overdue case. Fixed past dates and an explicit
// clock (CST midnight boundaries) keep it independent of when the test runs.
describe("expireOverdueChecks", () => {
  it("expires a check and opens its overdue case only once due date + CASE_GRACE_DAYS has passed (CST)", async () => {
    expect(env.CASE_GRACE_DAYS).toBe(30);
    const officer = await createUser("officer", ["520102"]);
    const p = await createPensioner(officer.actor, await pensionerInput("520102"), "zh-CN");
    const check = await prisma().kioskCheck.create({
      data: { pensionerId: p.id, regionCode: "520102", period: "2026-09", reason: "suspected", dueOn: new Date("2026-10-01T00:00:00Z") },
      select: { id: true },
    });
    const status = async () => (await prisma().kioskCheck.findFirstOrThrow({ where: { id: check.id }, select: { status: true } })).status;

    // 2026-10-31 23:59 CST: the 30th day after the due date, still in grace.
    await expireOverdueChecks(systemActor(), { now: new Date("2026-10-31T15:59:00Z") });
    expect(await status()).toBe("scheduled");
    expect(await prisma().case.count({ where: { pensionerId: p.id } })).toBe(0);

    // 2026-11-01 00:01 CST: grace is over.
    expect(await expireOverdueChecks(systemActor(), { now: new Date("2026-10-31T16:01:00Z") })).toBeGreaterThanOrEqual(1);
    expect(await status()).toBe("expired");
    const cases = await prisma().case.findMany({ where: { pensionerId: p.id }, select: { id: true, reason: true, period: true, status: true, detail: true } });
    expect(cases).toEqual([{ id: expect.any(String), reason: "overdue", period: "2026-09", status: "open", detail: { checkId: check.id, graceDays: 30 } }]);
    const audit = await prisma().auditEvent.findMany({ where: { targetId: { in: [check.id, cases[0]!.id] } }, select: { action: true }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["kiosk_check.expire", "case.opened"]);

    // a second sweep opens nothing more
    await expireOverdueChecks(systemActor(), { now: new Date("2026-11-02T00:00:00Z") });
    expect(await prisma().case.count({ where: { pensionerId: p.id } })).toBe(1);
  });
});
