import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { TCurrentUser } from "../../auth/current-user";
import { pool, prisma } from "../../db/client";
import { ZCaseDetail, ZCaseList, ZCaseListQuery, type TCaseDetail } from "../../domain/case-contract";
import { currentPeriod } from "../../domain/period";
import { configuredServiceKeys, startBdmiService, type TBdmiService } from "../../bdmi/service/start";
import { createUser, pensionerInput } from "../../../test/fixtures";
import { configuredEndpoint, createBdmiClient, type TBdmiClient } from "../bdmi/bdmi-client";
import { QUEUES } from "../jobs/queues";
import { createPensioner } from "../pensioners/create-pensioner";
import { addCaseEvidence } from "./add-case-evidence";
import { addCaseNote } from "./add-case-note";
import { appealCase } from "./appeal-case";
import { approveCaseProposal } from "./approve-case-proposal";
import { assignCase } from "./assign-case";
import { feedCaseEvidence } from "./feed-case-evidence";
import { getCase } from "./get-case";
import { listCases } from "./list-cases";
import { proposeCaseOutcome } from "./propose-case-outcome";
import { recordInPersonCheck } from "./record-in-person-check";
import { recordManualIntervention } from "./record-manual-intervention";
import { rejectCaseProposal } from "./reject-case-proposal";
import { withdrawCaseProposal } from "./withdraw-case-proposal";

const COUNTY = "520102";

// The routes' session is the only thing stood in for: withRoute, zod parsing, the use cases and
// problem+json are the real ones.
const session = vi.hoisted(() => ({ user: null as TCurrentUser | null }));
vi.mock("../../auth/current-user", () => ({ currentUser: async () => session.user }));

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
  });
});

const at = (iso: string) => ({ now: new Date(iso) });
const audits = async (targetId: string) =>
  (await prisma().auditEvent.findMany({ where: { targetId }, select: { action: true, summary: true, actorId: true }, orderBy: { id: "asc" } })).map((a) => a.action);

describe("the case's moves", () => {
  it("open → assign → note → evidence → propose suspend → approve by another supervisor → appeal → propose reinstate → approve: payment, hold, arrears month by month, timeline and audit", async () => {
    const officer = await createUser("officer", ["5201"]);
    const sup1 = await createUser("supervisor", ["5201"]);
    const sup2 = await createUser("supervisor", ["52"]);
    const { caseId, pensionerId } = await openCase({ monthly: 321_500, reason: "check_review" });

    let d: TCaseDetail = await assignCase(officer.actor, caseId, { version: 1 }, "en", at("2025-11-03T02:00:00Z"));
    expect(d).toMatchObject({ version: 2, assignedTo: { id: officer.id, displayName: officer.username } });
    expect((await listCases(officer.actor, q({ assigned: "me" }), "en")).items.map((i) => i.id)).toEqual([caseId]);
    d = await addCaseNote(officer.actor, caseId, { body: "家属称老人已外出务工地居住" }, "en", at("2025-11-04T02:00:00Z"));
    d = await addCaseEvidence(officer.actor, caseId, { type: "hospital_record", reference: "HR-2025-0931", issuedBy: "贵阳市第一人民医院", issuedOn: "2025-10-30" }, "en", at("2025-11-05T02:00:00Z"));
    expect(d.version).toBe(2); // notes and evidence do not move the case
    d = await proposeCaseOutcome(officer.actor, caseId, { version: 2, outcome: "suspend", note: "未按期核验，且无法联系" }, "en", at("2025-11-10T02:00:00Z"));
    expect(d).toMatchObject({ status: "proposed", proposedOutcome: "suspend", proposedBy: { id: officer.id }, version: 3, proposalNote: "未按期核验，且无法联系" });
    // the officer cannot approve; the supervisor can, and the officer sees no approve button
    expect(d.allowedMoves).not.toContain("approve");
    await expect(approveCaseProposal(officer.actor, caseId, { version: 3 }, "en")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await getCase(sup1.actor, caseId, "en")).allowedMoves).toEqual(expect.arrayContaining(["approve", "reject", "withdraw"]));

    d = await approveCaseProposal(sup1.actor, caseId, { version: 3, note: "同意暂停" }, "en", at("2025-11-15T02:00:00Z"));
    expect(d).toMatchObject({ status: "closed", outcome: "suspend", decidedBy: { id: sup1.id }, paymentStatus: "suspended", version: 4 });
    expect(d.hold).toMatchObject({ kind: "suspended", cause: "unverified", monthlyFen: "321500", startPeriod: "2025-11", liftedPeriod: null, savingsEndPeriod: null });
    expect(d.allowedMoves).toEqual(["appeal"]);
    const p1 = await prisma().pensioner.findFirstOrThrow({ where: { id: pensionerId }, select: { paymentStatus: true, version: true } });
    expect(p1).toEqual({ paymentStatus: "suspended", version: 2 });

    // an appeal reopens it: a reinstatement may now be proposed
    await expect(appealCase(officer.actor, caseId, { version: 4, note: "本人到场申诉", receivedOn: "2025-11-14" }, "en", at("2025-12-01T02:00:00Z"))).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: [{ path: "body.receivedOn" }],
    });
    d = await appealCase(officer.actor, caseId, { version: 4, note: "本人到场申诉", receivedOn: "2025-12-01" }, "en", at("2025-12-01T03:00:00Z"));
    expect(d).toMatchObject({ status: "open", outcome: "suspend", reopenCount: 1, decidedBy: null, closedAt: null, version: 5 });
    expect(d.allowedOutcomes).toEqual(["confirm_alive", "terminate", "reinstate"]);
    d = await proposeCaseOutcome(officer.actor, caseId, { version: 5, outcome: "reinstate", note: "本人到场核验通过" }, "en", at("2026-02-05T02:00:00Z"));
    expect(d.status).toBe("proposed");
    // the proposer may be a supervisor too: four-eyes is about the person, not the role
    d = await approveCaseProposal(sup2.actor, caseId, { version: 6 }, "en", at("2026-02-10T02:00:00Z"));
    expect(d).toMatchObject({ status: "closed", outcome: "reinstate", paymentStatus: "active", decidedBy: { id: sup2.id }, version: 7 });
    expect(d.hold).toMatchObject({ startPeriod: "2025-11", liftedPeriod: "2026-02" });
    expect(d.arrears).toEqual([
      { period: "2025-11", amountFen: "321500", duePeriod: "2026-02" },
      { period: "2025-12", amountFen: "321500", duePeriod: "2026-02" },
      { period: "2026-01", amountFen: "321500", duePeriod: "2026-02" },
    ]);
    expect(d.allowedMoves).toEqual([]);
    expect(d.events.map((e) => e.kind)).toEqual(["assigned", "note", "evidence", "proposed", "approved", "appealed", "proposed", "approved"]);
    expect(d.events[4]).toMatchObject({ actor: { id: sup1.id }, body: "同意暂停", data: { outcome: "suspend", payment: { to: "suspended", startPeriod: "2025-11" } } });
    expect(d.events[7]!.data).toMatchObject({ outcome: "reinstate", payment: { to: "active", arrearsMonths: 3, arrearsFen: "964500" } });
    expect(await audits(caseId)).toEqual(["case.assign", "case.note", "case.evidence", "case.propose", "case.approve", "case.appeal", "case.propose", "case.approve"]);
    const pay = await prisma().auditEvent.findMany({ where: { targetId: pensionerId, action: { startsWith: "payment." } }, select: { action: true, actorId: true }, orderBy: { id: "asc" } });
    expect(pay).toEqual([
      { action: "payment.hold", actorId: sup1.id },
      { action: "payment.lift", actorId: sup2.id },
    ]);
    expect(await prisma().pensioner.findFirstOrThrow({ where: { id: pensionerId }, select: { paymentStatus: true } })).toEqual({ paymentStatus: "active" });
    // the timeline is append-only
    await expect(pool().query(`update case_events set body = 'x' where case_id = $1`, [caseId])).rejects.toThrow(/append-only/);
  });

  it("refuses approving one's own proposal, another region's case, a reinstatement without a closed case, a second proposal, an appeal of an open case and a stale version", async () => {
    const sup = await createUser("supervisor", ["5201"]);
    const other = await createUser("supervisor", ["5201"]);
    const zunyi = await createUser("supervisor", ["5203"]);
    const officer = await createUser("officer", ["5201"]);
    const { caseId, pensionerId } = await openCase({ reason: "deceased" });

    const d = await proposeCaseOutcome(sup.actor, caseId, { version: 1, outcome: "terminate", note: "死亡证明已核实", deathCertifiedOn: "2026-09-12" }, "en");
    await expect(approveCaseProposal(sup.actor, caseId, { version: d.version }, "en")).rejects.toMatchObject({ code: "CASE_FOUR_EYES", status: 403 });
    // Her "awaiting approval" (others' proposals) leaves it out; the other supervisor's lists it.
    const awaiting = (a: typeof sup) => listCases(a.actor, q({ status: "proposed", proposer: "others" }), "en").then((l) => l.items.map((i) => i.id));
    expect(await awaiting(sup)).not.toContain(caseId);
    expect(await awaiting(other)).toContain(caseId);
    expect((await listCases(sup.actor, q({ status: "proposed" }), "en")).items.map((i) => i.id)).toContain(caseId);
    await expect(rejectCaseProposal(sup.actor, caseId, { version: d.version, note: "no" }, "en")).rejects.toMatchObject({ code: "CASE_FOUR_EYES" });
    await expect(approveCaseProposal(zunyi.actor, caseId, { version: d.version }, "en")).rejects.toMatchObject({ code: "FORBIDDEN", userMessage: expect.stringContaining("outside your regions") });
    await expect(getCase(zunyi.actor, caseId, "en")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(proposeCaseOutcome(officer.actor, caseId, { version: d.version, outcome: "suspend", note: "x" }, "en")).rejects.toMatchObject({ code: "CASE_BAD_STATE", status: 409 });
    await expect(withdrawCaseProposal(officer.actor, caseId, { version: d.version }, "en")).rejects.toMatchObject({ code: "CASE_ROLE" });
    await expect(approveCaseProposal(other.actor, caseId, { version: d.version - 1 }, "en")).rejects.toMatchObject({ code: "CASE_STALE", status: 409, fieldErrors: [{ path: "body.version" }] });
    // nothing changed by any refusal
    const row = await prisma().case.findFirstOrThrow({ where: { id: caseId }, select: { status: true, version: true } });
    expect(row).toEqual({ status: "proposed", version: d.version });
    expect(await prisma().paymentHold.count({ where: { caseId } })).toBe(0);
    expect(await prisma().pensioner.findFirstOrThrow({ where: { id: pensionerId }, select: { paymentStatus: true } })).toEqual({ paymentStatus: "active" });
    expect(await audits(caseId)).toEqual(["case.propose"]);

    await expect(rejectCaseProposal(other.actor, caseId, { version: d.version }, "en")).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: [{ path: "body.note" }] });
    const rejected = await rejectCaseProposal(other.actor, caseId, { version: d.version, note: "证明编号不符" }, "en");
    expect(rejected).toMatchObject({ status: "open", proposedOutcome: null, proposedBy: null });
    await expect(appealCase(officer.actor, caseId, { version: rejected.version, note: "x", receivedOn: "2026-10-01" }, "en")).rejects.toMatchObject({ code: "CASE_BAD_STATE" });

    // a termination with a certified death ends the savings in that month
    const again = await proposeCaseOutcome(officer.actor, caseId, { version: rejected.version, outcome: "terminate", note: "死亡证明已核实", deathCertifiedOn: "2026-09-12" }, "en");
    const closed = await approveCaseProposal(sup.actor, caseId, { version: again.version }, "en");
    expect(closed).toMatchObject({ status: "closed", outcome: "terminate", paymentStatus: "terminated", deathCertifiedOn: "2026-09-12" });
    expect(closed.hold).toMatchObject({ kind: "terminated", cause: "deceased", startPeriod: currentPeriod(), savingsEndPeriod: "2026-09" });

    // a suspended payment without a decided case cannot be reinstated
    const held = await openCase({ paymentStatus: "suspended" });
    await expect(proposeCaseOutcome(officer.actor, held.caseId, { version: 1, outcome: "reinstate", note: "x" }, "en")).rejects.toMatchObject({
      code: "CASE_REINSTATE_WITHOUT_CLOSED_CASE",
      fieldErrors: [{ path: "body.outcome" }],
    });
    await expect(proposeCaseOutcome(officer.actor, held.caseId, { version: 1, outcome: "suspend", note: "x" }, "en")).rejects.toMatchObject({ code: "CASE_BAD_OUTCOME" });
    await expect(proposeCaseOutcome(officer.actor, held.caseId, { version: 1, outcome: "suspend", note: "x", deathCertifiedOn: "2026-01-01" }, "en")).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: [{ path: "body.deathCertifiedOn" }],
    });
  });

  it("confirm alive of a paid pensioner closes the case at once, without a second pair of eyes and without touching the payment", async () => {
    const officer = await createUser("officer", ["520102"]);
    const { caseId } = await openCase();
    const d = await proposeCaseOutcome(officer.actor, caseId, { version: 1, outcome: "confirm_alive", note: "本人到场" }, "en");
    expect(d).toMatchObject({ status: "closed", outcome: "confirm_alive", decidedBy: { id: officer.id }, paymentStatus: "active", hold: null, arrears: [] });
    expect(d.events.map((e) => e.kind)).toEqual(["closed"]);
    await expect(appealCase(officer.actor, caseId, { version: d.version, note: "x", receivedOn: currentDay() }, "en")).rejects.toMatchObject({ code: "CASE_BAD_OUTCOME" });
    await expect(addCaseNote(officer.actor, caseId, { body: "x" }, "en")).rejects.toMatchObject({ code: "CASE_BAD_STATE" });
  });

  it("of two supervisors approving the same proposal at once exactly one wins; the other is told the case changed", async () => {
    const officer = await createUser("officer", ["5201"]);
    const a = await createUser("supervisor", ["5201"]);
    const b = await createUser("supervisor", ["5201"]);
    for (let round = 0; round < 3; round++) {
      const { caseId, pensionerId } = await openCase();
      const d = await proposeCaseOutcome(officer.actor, caseId, { version: 1, outcome: "suspend", note: "无法联系" }, "en");
      const results = await Promise.allSettled([approveCaseProposal(a.actor, caseId, { version: d.version }, "en"), approveCaseProposal(b.actor, caseId, { version: d.version }, "en")]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ code: "CASE_STALE", userMessage: "The case changed since you opened it; reload" });
      expect(await prisma().paymentHold.count({ where: { pensionerId } })).toBe(1);
      expect((await audits(caseId)).filter((x) => x === "case.approve")).toHaveLength(1);
      expect(await prisma().auditEvent.count({ where: { targetId: pensionerId, action: "payment.hold" } })).toBe(1);
    }
  });
});

const currentDay = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

describe("in-person checks and manual interventions reach BDMI", () => {
  let bdmi: TBdmiService;
  let client: TBdmiClient;
  beforeAll(async () => {
    bdmi = await startBdmiService({ databaseUrl: inject("databaseUrl"), ...configuredServiceKeys() });
    client = createBdmiClient({ ...configuredEndpoint(), baseUrl: bdmi.url }, { retries: 1, timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await bdmi?.close();
  });

  it("queues the job in the move's transaction; the worker's handler feeds 01/01 to BDMI and revises the status for the period", async () => {
    const officer = await createUser("officer", ["5201"]);
    const { caseId, pensionerId } = await openCase();
    const period = currentPeriod();
    await pool().query(
      `insert into survival_statuses (pensioner_id, period, region_code, status, basis, s, t, model_version, evidence_refs)
       values ($1, $2, $3, 'suspected', 'lapsed', 0, 0, '1', '{}')`,
      [pensionerId, period, COUNTY],
    );
    const seen = new Date(Date.now() - 3600_000).toISOString();
    await expect(recordInPersonCheck(officer.actor, caseId, { result: "passed", at: new Date(Date.now() + 86_400_000).toISOString(), place: "x" }, "en")).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: [{ path: "body.at" }],
    });
    const d = await recordInPersonCheck(officer.actor, caseId, { result: "passed", at: seen, place: "南明区社保服务大厅" }, "en");
    const ev = d.events.find((e) => e.kind === "in_person_check")!;
    expect(ev.data).toMatchObject({ result: "passed", place: "南明区社保服务大厅", evidence: { source: "01", item: "01", result: 1 } });
    const jobs = await pool().query<{ data: { caseEventId: string }; retry_limit: number }>(`select data, retry_limit from pgboss.job where name = $1 and data->>'caseEventId' = $2`, [
      QUEUES.caseEvidence,
      ev.id,
    ]);
    expect(jobs.rows).toHaveLength(1);
    expect(jobs.rows[0]!.retry_limit).toBeGreaterThan(0);

    // BDMI down: the handler fails (pg-boss retries it) and nothing is written
    const down = createBdmiClient({ ...configuredEndpoint(), baseUrl: "http://127.0.0.1:9" }, { retries: 1, timeoutMs: 2_000 });
    await expect(feedCaseEvidence({ caseEventId: ev.id }, down)).rejects.toMatchObject({ code: "BDMI_UNAVAILABLE" });
    expect((await getCase(officer.actor, caseId, "en")).events.map((e) => e.kind)).toEqual(["in_person_check"]);

    const r = await feedCaseEvidence({ caseEventId: ev.id }, client);
    expect(r).toEqual({ status: "reassessed", period, from: "suspected", to: "alive" });
    const fed = await bdmi.pool.query<{ source: string; item: string; result: number; source_ref: string }>(
      `select source, item, result, source_ref from bdmi.evidence where feed_id = $1`,
      [`case-event:${ev.id}`],
    );
    expect(fed.rows).toEqual([{ source: "01", item: "01", result: 1, source_ref: `case-event:${ev.id}` }]);
    const st = await pool().query(`select status::text, basis from survival_statuses where pensioner_id = $1 and period = $2`, [pensionerId, period]);
    expect(st.rows).toEqual([{ status: "alive", basis: "check" }]);
    const rev = await pool().query(`select status::text, cause from survival_status_revisions where pensioner_id = $1 and period = $2`, [pensionerId, period]);
    expect(rev.rows).toEqual([{ status: "suspected", cause: "case-event" }]);
    const after = await getCase(officer.actor, caseId, "en");
    expect(after.events.map((e) => e.kind)).toEqual(["in_person_check", "reassessed"]);
    expect(after.events[1]!.data).toMatchObject({ sourceEventId: ev.id, evidence: "01/01", from: "suspected", to: "alive", basis: "check" });
    // The case's reassessment has its own fee kind and its own settlement, not the kiosk's.
    const feeId = (after.events[1]!.data as { feeId: string }).feeId;
    const fee = await pool().query(
      `select f.kind, s.kind as settlement_kind, s.idempotency_key, s.amount = f.amount as whole from fee_records f join settlements s on s.id = f.settlement_id where f.id = $1`,
      [feeId],
    );
    expect(fee.rows).toEqual([{ kind: "case-reassessment", settlement_kind: "fee-case", idempotency_key: `fee-case:${ev.id}`, whole: true }]);
    // a retry of a job that already landed changes nothing and charges nothing
    const fees = await pool().query(`select count(*)::int as n from fee_records where kind = 'case-reassessment' and region_code = $1`, [COUNTY]);
    expect(await feedCaseEvidence({ caseEventId: ev.id }, client)).toEqual({ status: "already-done" });
    expect((await pool().query(`select count(*)::int as n from fee_records where kind = 'case-reassessment' and region_code = $1`, [COUNTY])).rows).toEqual(fees.rows);
    expect(await prisma().auditEvent.count({ where: { targetId: pensionerId, action: "survival.revised" } })).toBe(1);
  });

  it("a manual intervention of death feeds 01/03 = 1 and the pensioner is deceased for the period", async () => {
    const officer = await createUser("officer", ["5201"]);
    const { caseId, pensionerId } = await openCase({ reason: "deceased" });
    const d = await recordManualIntervention(officer.actor, caseId, { set: "deceased", at: new Date(Date.now() - 60_000).toISOString(), body: "民政部门火化记录" }, "en");
    const ev = d.events.find((e) => e.kind === "manual_intervention")!;
    expect(ev.data).toMatchObject({ set: "deceased", evidence: { source: "01", item: "03", result: 1 } });
    const r = await feedCaseEvidence({ caseEventId: ev.id }, client);
    expect(r).toMatchObject({ status: "reassessed", to: "deceased" });
    const st = await pool().query(`select status::text, basis from survival_statuses where pensioner_id = $1 and period = $2`, [pensionerId, currentPeriod()]);
    expect(st.rows).toEqual([{ status: "deceased", basis: "manual" }]);
  });
});

describe("the routes", () => {
  const as = (u: Awaited<ReturnType<typeof createUser>>, role: TCurrentUser["role"]) => {
    session.user = { userId: u.id, sessionId: "s", username: u.username, displayName: u.username, role, regions: u.actor.regions, setup: null, hasSecondFactor: true };
  };
  const post = (path: string, body: unknown) =>
    new NextRequest(`http://localhost/api/v1/cases/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("answer problem+json with the code and field path of each refusal, and the case page on success", async () => {
    const officer = await createUser("officer", ["5201"]);
    const sup = await createUser("supervisor", ["5201"]);
    const other = await createUser("supervisor", ["5201"]);
    const { caseId } = await openCase();
    const params = { params: Promise.resolve({ id: caseId }) };
    const list = await import("../../../app/api/v1/cases/route");
    const detail = await import("../../../app/api/v1/cases/[id]/route");
    const proposal = await import("../../../app/api/v1/cases/[id]/proposal/route");
    const approve = await import("../../../app/api/v1/cases/[id]/approve/route");

    as(officer, "officer");
    const bad = await list.GET(new NextRequest("http://localhost/api/v1/cases?status=pending"), { params: Promise.resolve({}) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("query.status");
    const page = await detail.GET(new NextRequest(`http://localhost/api/v1/cases/${caseId}`), params);
    expect(page.status).toBe(200);
    expect(ZCaseDetail.parse(await page.json()).allowedMoves).toContain("propose");

    as(sup, "supervisor");
    const proposed = await proposal.POST(post(`${caseId}/proposal`, { version: 1, outcome: "suspend", note: "无法联系" }), params);
    expect(proposed.status).toBe(200);
    const version = ZCaseDetail.parse(await proposed.json()).version;

    const own = await approve.POST(post(`${caseId}/approve`, { version }), params);
    expect(own.status).toBe(403);
    expect(own.headers.get("content-type")).toContain("application/problem+json");
    expect(await own.json()).toMatchObject({ code: "CASE_FOUR_EYES", status: 403, detail: expect.stringContaining("another supervisor"), title: "不能审批自己提出的建议" });

    as(officer, "officer");
    expect((await approve.POST(post(`${caseId}/approve`, { version }), params)).status).toBe(403);

    as(other, "supervisor");
    const stale = await approve.POST(post(`${caseId}/approve`, { version: version - 1 }), params);
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ code: "CASE_STALE", detail: "The case changed since you opened it; reload", errors: [{ path: "body.version" }] });
    const noVersion = await approve.POST(post(`${caseId}/approve`, {}), params);
    expect(noVersion.status).toBe(400);
    const ok = await approve.POST(post(`${caseId}/approve`, { version }), params);
    expect(ok.status).toBe(200);
    expect(ZCaseDetail.parse(await ok.json())).toMatchObject({ status: "closed", outcome: "suspend", paymentStatus: "suspended" });
    session.user = null;
  });
});
