import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { pool, prisma, STREAM_APPLICATION_NAME, streamPool } from "../../db/client";
import { yuanPlain } from "../../domain/money";
import { addMonths, currentPeriod } from "../../domain/period";
import { createUser, pensionerInput } from "../../../test/fixtures";
import type { TActor } from "../actor";
import { hashApiToken } from "../api-tokens/api-token-secrets";
import { authenticateApiToken } from "../api-tokens/authenticate-api-token";
import { createApiToken } from "../api-tokens/create-api-token";
import { listApiTokens } from "../api-tokens/list-api-tokens";
import { revokeApiToken } from "../api-tokens/revoke-api-token";
import { createPensioner } from "../pensioners/create-pensioner";
import { csvText, exportPaymentHolds } from "./export-payment-holds";
import { listPaymentHolds } from "./list-payment-holds";
import { readPaymentHolds, type TPaymentHoldsPage } from "./read-payment-holds";

// The payment system's interface on real PostgreSQL: which holds are in force in a period, the
// arrears due, a token's regions, scopes and revocation, the audit of every read, and the CSV's
// totals against the API's. The holds are dated in 2020 so that holds other test files create
// (which start in the current period) never fall into these periods.

const GUIYANG = "520103";
const ZUNYI = "520302";
let admin: Awaited<ReturnType<typeof createUser>>;
let supervisor: Awaited<ReturnType<typeof createUser>>;
const people: Record<"a" | "b" | "c" | "e", { id: string; nationalId: string; holdId: string }> = {} as never;

async function person(county: string, name: string) {
  const input = await pensionerInput(county, { name });
  const p = await createPensioner(admin.actor, input, "zh-CN");
  return { id: p.id, nationalId: input.nationalId };
}

async function hold(p: { id: string }, county: string, o: { kind?: "suspended" | "terminated"; cause?: "deceased" | "unverified" | "sentenced"; monthlyFen: bigint; start: string; lifted?: string }) {
  const h = await prisma().paymentHold.create({
    data: {
      pensionerId: p.id,
      regionCode: county,
      caseId: randomUUID(),
      kind: o.kind ?? "suspended",
      cause: o.cause ?? "unverified",
      monthlyFen: o.monthlyFen,
      startPeriod: o.start,
      liftedPeriod: o.lifted ?? null,
    },
    select: { id: true },
  });
  return h.id;
}

async function issue(regionCodes: string[]) {
  const { token, apiToken } = await createApiToken(admin.actor, { name: `pay-${randomUUID().slice(0, 6)}`, regionCodes, scopes: ["payment-holds.read"] });
  const actor: TActor = { userId: apiToken.id, role: "api", regions: apiToken.regionCodes, requestId: randomUUID(), ip: "127.0.0.1" };
  return { token, id: apiToken.id, actor };
}

async function get(query: string, token?: string) {
  const { GET } = await import("../../../app/api/v1/payment-holds/route");
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await GET(new NextRequest(`http://localhost/api/v1/payment-holds?${query}`, { headers }), { params: Promise.resolve({}) });
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as TPaymentHoldsPage & { errors?: { path: string }[]; code?: string; title?: string; detail?: string } };
}

/** The whole download as text, BOM kept (Response.text() would strip it). */
const csvOf = async (stream: ReadableStream<Uint8Array>) => Buffer.from(await new Response(stream).arrayBuffer()).toString("utf8");

/** Every page of a period, following nextCursor. */
async function readAll(actor: TActor, period: string, limit: number) {
  const pages: TPaymentHoldsPage[] = [];
  let cursor: string | undefined;
  do {
    const p = await readPaymentHolds(actor, { period, limit, cursor });
    pages.push(p);
    cursor = p.nextCursor ?? undefined;
  } while (cursor && pages.length < 50);
  return { pages, holds: pages.flatMap((p) => p.holds), arrears: pages.flatMap((p) => p.arrearsDue) };
}

beforeAll(async () => {
  admin = await createUser("admin", ["52"]);
  supervisor = await createUser("supervisor", ["5201"]);
  const [a, b, c, e] = [await person(GUIYANG, "甲停发"), await person(GUIYANG, "乙恢复"), await person(GUIYANG, "丙终止"), await person(ZUNYI, "丁遵义")];
  people.a = { ...a, holdId: await hold(a, GUIYANG, { monthlyFen: 250_000n, start: "2020-03" }) };
  // Suspended from 2020-02, reinstated in 2020-05: the three held months are due as arrears in 2020-05.
  const hb = await hold(b, GUIYANG, { monthlyFen: 180_050n, start: "2020-02", lifted: "2020-05" });
  await prisma().paymentArrear.createMany({
    data: ["2020-02", "2020-03", "2020-04"].map((period) => ({ holdId: hb, period, pensionerId: b.id, regionCode: GUIYANG, amountFen: 180_050n, duePeriod: "2020-05" })),
  });
  people.b = { ...b, holdId: hb };
  people.c = { ...c, holdId: await hold(c, GUIYANG, { kind: "terminated", cause: "deceased", monthlyFen: 300_000n, start: "2020-04" }) };
  people.e = { ...e, holdId: await hold(e, ZUNYI, { monthlyFen: 199_999n, start: "2020-01" }) };
});

describe("holds in force and arrears due", () => {
  it("counts a hold from its start period, until (not including) the period it was lifted in", async () => {
    const { actor } = await issue(["5201"]);
    const ids = async (period: string) => (await readPaymentHolds(actor, { period, limit: 500 })).holds.map((h) => h.pensionerId).sort();
    expect(await ids("2020-01")).toEqual([]);
    expect(await ids("2020-02")).toEqual([people.b.id]);
    expect(await ids("2020-03")).toEqual([people.a.id, people.b.id].sort());
    // Lifted in a later period: still in force the month before.
    expect(await ids("2020-04")).toEqual([people.a.id, people.b.id, people.c.id].sort());
    expect(await ids("2020-05")).toEqual([people.a.id, people.c.id].sort());
    expect(await ids("2020-06")).toEqual([people.a.id, people.c.id].sort());
  });

  it("answers full ID numbers, amounts as strings, the arrears due in the period, and totals", async () => {
    const { actor } = await issue(["5201"]);
    const p = await readPaymentHolds(actor, { period: "2020-05", limit: 500 });
    const a = p.holds.find((h) => h.pensionerId === people.a.id)!;
    expect(a).toEqual({
      holdId: people.a.holdId, pensionerId: people.a.id, nationalId: people.a.nationalId, name: "甲停发", regionCode: GUIYANG,
      kind: "suspended", cause: "unverified", monthlyFen: "250000", startPeriod: "2020-03", heldFen: "250000",
    });
    expect(p.holds.find((h) => h.pensionerId === people.c.id)).toMatchObject({ kind: "terminated", cause: "deceased", nationalId: people.c.nationalId });
    expect(p.arrearsDue).toEqual(["2020-02", "2020-03", "2020-04"].map((period) => ({ holdId: people.b.holdId, pensionerId: people.b.id, nationalId: people.b.nationalId, regionCode: GUIYANG, period, amountFen: "180050" })));
    expect(p.totals).toEqual({ heldPensioners: 2, heldFen: "550000", arrearsCount: 3, arrearsPensioners: 1, arrearsFen: "540150" });
    expect(p.nextCursor).toBeNull();
    // Arrears are due only in their due period.
    expect((await readPaymentHolds(actor, { period: "2020-04", limit: 500 })).arrearsDue).toEqual([]);
    expect((await readPaymentHolds(actor, { period: "2020-06", limit: 500 })).totals).toMatchObject({ arrearsCount: 0, arrearsFen: "0" });
  });

  it("pages through holds then arrears with a keyset cursor, every row once", async () => {
    const { actor } = await issue(["5201"]);
    const whole = await readPaymentHolds(actor, { period: "2020-05", limit: 500 });
    for (const limit of [1, 2, 3]) {
      const all = await readAll(actor, "2020-05", limit);
      expect(all.holds).toEqual(whole.holds);
      expect(all.arrears).toEqual(whole.arrearsDue);
      expect(all.pages.every((p) => p.holds.length + p.arrearsDue.length <= limit)).toBe(true);
      expect(all.pages.at(-1)!.nextCursor).toBeNull();
      expect(all.pages.every((p) => p.totals.heldFen === "550000")).toBe(true);
    }
    await expect(readPaymentHolds(actor, { period: "2020-05", limit: 1, cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: [{ path: "query.cursor" }] });
  });

  it("keeps a token to its regions", async () => {
    const guiyang = await issue(["5201"]);
    const zunyi = await issue(["5203"]);
    const province = await issue(["52"]);
    const seen = async (actor: TActor) => (await readPaymentHolds(actor, { period: "2020-03", limit: 500 })).holds.map((h) => h.pensionerId);
    expect(await seen(guiyang.actor)).not.toContain(people.e.id);
    expect(await seen(zunyi.actor)).toEqual([people.e.id]);
    expect(await seen(province.actor)).toEqual(expect.arrayContaining([people.a.id, people.b.id, people.e.id]));
    // An admin cannot issue a token wider than their own scope.
    const cityAdmin = await createUser("admin", ["5201"]);
    await expect(createApiToken(cityAdmin.actor, { name: "x", regionCodes: ["5201", "5203"], scopes: ["payment-holds.read"] })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: [{ path: "body.regionCodes.1" }],
    });
  });
});

describe("GET /api/v1/payment-holds", () => {
  it("answers JSON for a valid token and records payment_holds.read with the count in the same transaction", async () => {
    const t = await issue(["5201"]);
    const r = await get("period=2020-05", t.token);
    expect(r.status).toBe(200);
    expect(r.body.holds).toHaveLength(2);
    expect(r.body.arrearsDue).toHaveLength(3);
    const events = await prisma().auditEvent.findMany({ where: { action: "payment_holds.read", actorId: t.id }, select: { actorRole: true, targetId: true, summary: true } });
    expect(events).toEqual([{ actorRole: "api", targetId: "2020-05", summary: expect.objectContaining({ period: "2020-05", count: 5, holds: 2, arrears: 3, tokenId: t.id }) }]);
    // Used: last_used_at is set (and not rewritten within the minute).
    const used = await prisma().apiToken.findUniqueOrThrow({ where: { id: t.id }, select: { lastUsedAt: true } });
    expect(used.lastUsedAt).not.toBeNull();
    await get("period=2020-04", t.token);
    expect((await prisma().apiToken.findUniqueOrThrow({ where: { id: t.id }, select: { lastUsedAt: true } })).lastUsedAt).toEqual(used.lastUsedAt);
  });

  it("refuses a missing, unknown or revoked token with 401, and a token without the scope with 403", async () => {
    const none = await get("period=2020-05");
    expect(none.status).toBe(401);
    expect(none.type).toContain("application/problem+json");
    expect((await get("period=2020-05", `pst_${"A".repeat(43)}`)).status).toBe(401);

    const t = await issue(["5201"]);
    expect((await get("period=2020-05", t.token)).status).toBe(200);
    await revokeApiToken(admin.actor, t.id);
    const revoked = await get("period=2020-05", t.token);
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe("UNAUTHENTICATED");
    expect(await authenticateApiToken(t.token)).toBeNull();
    // The refused calls read nothing and record no read.
    expect(await prisma().auditEvent.count({ where: { action: "payment_holds.read", actorId: t.id } })).toBe(1);

    // A token for another purpose (a scope this route does not accept).
    const other = `pst_${Buffer.alloc(32, 7).toString("base64url")}`;
    const row = await prisma().apiToken.create({ data: { name: "other", tokenHash: hashApiToken(other), scopes: ["dashboard.read"], regionCodes: ["5201"] }, select: { id: true } });
    const forbidden = await get("period=2020-05", other);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe("FORBIDDEN");
    expect(await prisma().auditEvent.count({ where: { action: "payment_holds.read", actorId: row.id } })).toBe(0);
  });

  it("refuses a future period and a malformed one with 400 at query.period", async () => {
    const t = await issue(["5201"]);
    const future = await get(`period=${addMonths(currentPeriod(), 1)}`, t.token);
    expect(future.status).toBe(400);
    expect(future.body.errors?.map((e) => e.path)).toEqual(["query.period"]);
    expect(future.body.detail).toContain("has not begun");
    for (const bad of ["period=2026-13", "period=202605", "period=", ""]) {
      const r = await get(bad, t.token);
      expect(r.status, bad).toBe(400);
      expect(r.body.errors?.map((e) => e.path), bad).toEqual(["query.period"]);
    }
    expect((await get("period=2020-05&limit=5000", t.token)).body.errors?.map((e) => e.path)).toEqual(["query.limit"]);
    // The current period is allowed.
    expect((await get(`period=${currentPeriod()}`, t.token)).status).toBe(200);
    await expect(exportPaymentHolds(supervisor.actor, addMonths(currentPeriod(), 1), "zh-CN")).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: [{ path: "query.period" }] });
  });
});

describe("the staff view and the CSV export", () => {
  it("lists the same lines as the CSV, whose totals equal the API's, and audits the export", async () => {
    const t = await issue(["5201"]);
    for (const period of ["2020-03", "2020-05"]) {
      const api = await readAll(t.actor, period, 2);
      const totals = api.pages[0]!.totals;
      const exported = await exportPaymentHolds(supervisor.actor, period, "zh-CN");
      const { rows } = exported;
      const csv = await csvOf(exported.stream);
      expect(csv.charCodeAt(0)).toBe(0xfeff);
      const records = parse(csv, { bom: true }) as string[][];
      const [header, ...lines] = records;
      expect(header).toEqual(["人员编号", "身份证号（脱敏）", "姓名", "地区代码", "地区", "停发类型", "原因", "月发放额（元）", "本月停发（元）", "停发起始月", "恢复发放月", "应补发（元）"]);
      const total = lines.pop()!;
      expect(lines).toHaveLength(rows);
      expect(total[0]).toBe("合计");
      const sum = (col: number) => lines.reduce((s, l) => s + BigInt(l[col]!.replace(".", "")), 0n);
      expect(yuanPlain(sum(8))).toBe(total[8]);
      expect(yuanPlain(sum(11))).toBe(total[11]);
      expect(total[8]).toBe(yuanPlain(totals.heldFen));
      expect(total[11]).toBe(yuanPlain(totals.arrearsFen));
      expect(yuanPlain(api.holds.reduce((s, h) => s + BigInt(h.heldFen), 0n))).toBe(total[8]);
      expect(yuanPlain(api.arrears.reduce((s, a) => s + BigInt(a.amountFen), 0n))).toBe(total[11]);
      // No full ID number in the export.
      for (const p of Object.values(people)) expect(csv).not.toContain(p.nationalId);
      const list = await listPaymentHolds(supervisor.actor, { period, page: 1, pageSize: 200 }, "zh-CN");
      expect(list.totals).toEqual(totals);
      expect(list.items.map((i) => i.pensionerId)).toEqual(lines.map((l) => l[0]));
    }
    const csv2020_05 = parse(await csvOf((await exportPaymentHolds(supervisor.actor, "2020-05", "en")).stream), { bom: true }) as string[][];
    const b = csv2020_05.find((l) => l[0] === people.b.id)!;
    expect(b.slice(5)).toEqual(["Suspended", "Not verified", "1800.50", "0.00", "2020-02", "2020-05", "5401.50"]);
    const events = await prisma().auditEvent.findMany({ where: { action: "payment_holds.export", actorId: supervisor.id }, select: { summary: true }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.summary)).toEqual([
      expect.objectContaining({ period: "2020-03", count: 2 }),
      expect.objectContaining({ period: "2020-05", count: 3, heldFen: "550000", arrearsFen: "540150" }),
      expect.objectContaining({ period: "2020-05", count: 3 }),
    ]);
  });
});

describe("the CSV streams from one snapshot", () => {
  /** Stream connections checked out of the pool (0 once every download has given its connection back). */
  const inUse = () => streamPool().totalCount - streamPool().idleCount;

  it("is the same file whatever the cursor's batch, and the same bytes a CSV writer gives for its records", async () => {
    const whole = await csvOf((await exportPaymentHolds(supervisor.actor, "2020-05", "zh-CN")).stream);
    for (const batch of [1, 2]) expect(await csvOf((await exportPaymentHolds(supervisor.actor, "2020-05", "zh-CN", { batch })).stream)).toBe(whole);
    const { stringify } = await import("csv-stringify/sync");
    expect(stringify(parse(whole, { bom: true }) as string[][], { bom: true, record_delimiter: "windows" })).toBe(whole);
    // A month with nothing held is a header and a zero total line.
    const empty = parse(await csvOf((await exportPaymentHolds(supervisor.actor, "2019-05", "zh-CN")).stream), { bom: true }) as string[][];
    expect(empty.map((l) => l[0])).toEqual(["人员编号", "合计"]);
    expect(inUse()).toBe(0);
  });

  it("fails the download, not ends it short, when the database goes away mid-stream, and gives the connection back", async () => {
    const { stream } = await exportPaymentHolds(supervisor.actor, "2020-05", "zh-CN", { batch: 1 });
    const reader = stream.getReader();
    const head = await reader.read();
    expect(Buffer.from(head.value!).toString("utf8")).toMatch(/^\ufeff人员编号,/);
    // The stream's own backend dies, as in a failover or an administrator's kill.
    const killed = await pool().query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and state like 'idle in transaction%'`,
      [STREAM_APPLICATION_NAME],
    );
    expect(killed.rowCount).toBe(1);
    let failure: unknown = null;
    const seen: string[] = [];
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        seen.push(Buffer.from(r.value).toString("utf8"));
      }
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(Error);
    // No closing total line ever reaches the reader.
    expect(seen.join("")).not.toContain("合计");
    await expect.poll(inUse).toBe(0);
    // The pool serves the next download as usual.
    expect(await csvOf((await exportPaymentHolds(supervisor.actor, "2020-05", "zh-CN")).stream)).toContain("合计");
  });

  it("gives the connection back, its transaction ended, when the reader cancels", async () => {
    const { stream } = await exportPaymentHolds(supervisor.actor, "2020-05", "zh-CN", { batch: 1 });
    const reader = stream.getReader();
    await reader.read();
    expect(inUse()).toBe(1);
    await reader.cancel();
    expect(inUse()).toBe(0);
    const open = await pool().query(`select count(*)::int as n from pg_stat_activity where application_name = $1 and state like 'idle in transaction%'`, [STREAM_APPLICATION_NAME]);
    expect(open.rows[0].n).toBe(0);
  });
});

describe("CSV text cells", () => {
  it("keeps text a spreadsheet would evaluate as text", () => {
    expect(["=1+1", "+86", "-x", "@SUM(A1)", "王小梅", "1800.50"].map(csvText)).toEqual(["'=1+1", "'+86", "'-x", "'@SUM(A1)", "王小梅", "1800.50"]);
  });
});

describe("API tokens", () => {
  it("shows a token once, stores only its SHA-256, lists and revokes it within the admin's scope, with audit events", async () => {
    const { token, apiToken } = await createApiToken(admin.actor, { name: "省支付系统", regionCodes: ["520103", "5201", "5203"], scopes: ["payment-holds.read"] });
    expect(token).toMatch(/^pst_[A-Za-z0-9_-]{43}$/);
    expect(apiToken.regionCodes).toEqual(["5201", "5203"]);
    const row = await prisma().apiToken.findUniqueOrThrow({ where: { id: apiToken.id }, select: { tokenHash: true } });
    expect(Buffer.from(row.tokenHash).equals(Buffer.from(hashApiToken(token)))).toBe(true);
    const list = await listApiTokens(admin.actor, { page: 1, pageSize: 200 });
    expect(list.items.find((t) => t.id === apiToken.id)).toMatchObject({ name: "省支付系统", scopes: ["payment-holds.read"], revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(token);
    // A Guiyang admin neither sees nor revokes a token that also reads Zunyi.
    const guiyangAdmin = await createUser("admin", ["5201"]);
    expect((await listApiTokens(guiyangAdmin.actor, { page: 1, pageSize: 200 })).items.some((t) => t.id === apiToken.id)).toBe(false);
    await expect(revokeApiToken(guiyangAdmin.actor, apiToken.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const revoked = await revokeApiToken(admin.actor, apiToken.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect((await revokeApiToken(admin.actor, apiToken.id)).revokedAt).toBe(revoked.revokedAt);
    const audit = await prisma().auditEvent.findMany({ where: { targetType: "api_token", targetId: apiToken.id }, select: { action: true, summary: true }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["api_token.create", "api_token.revoke"]);
    expect(JSON.stringify(audit)).not.toContain(token);
    await expect(createApiToken(admin.actor, { name: "x", regionCodes: ["5299"], scopes: ["payment-holds.read"] })).rejects.toMatchObject({ fieldErrors: [{ path: "body.regionCodes.0" }] });
  });
});
