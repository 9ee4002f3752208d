import { describe, expect, it } from "vitest";
import { pool, prisma } from "../../db/client";
import { ZCaseDetail, ZCaseList, ZCaseListQuery } from "../../domain/case-contract";
import { createUser, pensionerInput } from "../../../test/fixtures";
import { createPensioner } from "../pensioners/create-pensioner";
import { getCase } from "./get-case";
import { listCases } from "./list-cases";

const COUNTY = "520102";

async function openCase(o: { region?: string; reason?: "deceased" | "overdue" | "check_review"; monthly?: number; paymentStatus?: "active" | "suspended" } = {}) {
  const region = o.region ?? COUNTY;
  const clerk = await createUser("officer", [region]);
  const p = await createPensioner(clerk.actor, await pensionerInput(region, { monthlyPensionFen: o.monthly ?? 320000, paymentStatus: o.paymentStatus ?? "active" }), "zh-CN");
  const c = await prisma().case.create({
    data: { pensionerId: p.id, regionCode: region, reason: o.reason ?? "overdue", period: "2026-10", detail: { checkId: "x" } },
    select: { id: true },
  });
  return { caseId: c.id, pensionerId: p.id };
}

const q = (over: Record<string, unknown> = {}) => ZCaseListQuery.parse({ pageSize: 200, ...over });

describe("the case queue and the case page", () => {
  it("lists the caller's regions' cases with masked IDs, region names, filters, sorts and pages; other regions' cases are not found", async () => {
    const officer = await createUser("officer", [COUNTY]);
    const a = await openCase({ monthly: 100000 });
    const b = await openCase({ monthly: 900000, reason: "deceased" });
    const far = await openCase({ region: "520302" });
    const list = ZCaseList.parse(await listCases(officer.actor, q(), "zh-CN"));
    const ids = list.items.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([a.caseId, b.caseId]));
    expect(ids).not.toContain(far.caseId);
    const item = list.items.find((i) => i.id === b.caseId)!;
    expect(item).toMatchObject({ status: "open", reason: "deceased", monthlyPensionFen: "900000", paymentStatus: "active", assignedTo: null, version: 1, regionName: "南明区" });
    expect(item.idMasked).toMatch(/^5201\*{10}[\dX]{4}$/);
    // oldest first by default; by amount the larger pension comes first
    expect(ids.indexOf(a.caseId)).toBeLessThan(ids.indexOf(b.caseId));
    const byAmount = (await listCases(officer.actor, q({ sort: "amount" }), "en")).items.map((i) => i.id);
    expect(byAmount.indexOf(b.caseId)).toBeLessThan(byAmount.indexOf(a.caseId));
    const deceased = await listCases(officer.actor, q({ reason: "deceased" }), "en");
    expect(deceased.items.every((i) => i.reason === "deceased")).toBe(true);
    expect(deceased.items.map((i) => i.id)).toContain(b.caseId);
    const page = await listCases(officer.actor, q({ pageSize: 1, page: 2 }), "en");
    expect(page.items).toHaveLength(1);
    expect(page.total).toBe(list.total);
    expect((await listCases(officer.actor, q({ assigned: "me" }), "en")).items).toHaveLength(0);
    await expect(listCases(officer.actor, q({ region: "5203" }), "en")).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: [{ path: "query.region" }] });

    const detail = ZCaseDetail.parse(await getCase(officer.actor, a.caseId, "en"));
    expect(detail).toMatchObject({ id: a.caseId, hold: null, arrears: [], events: [], reopenCount: 0, regionName: "Nanming District" });
    expect(detail.allowedMoves).toEqual(["assign", "note", "evidence", "in_person_check", "manual_intervention", "propose"]);
    expect(detail.allowedOutcomes).toEqual(["confirm_alive", "suspend", "terminate"]);
    await expect(getCase(officer.actor, far.caseId, "en")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getCase(officer.actor, "not-a-uuid", "en")).rejects.toMatchObject({ code: "NOT_FOUND" });
    void pool;
  });
});
