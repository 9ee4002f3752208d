import { beforeAll, describe, expect, it } from "vitest";
import { createUser, pensionerInput, unclaimedPensioners } from "../../../test/fixtures";
import { pool, prisma } from "../../db/client";
import { ZPensionerInput } from "../../domain/pensioner";
import { AppError } from "../app-error";
import { listPensionerAuditEvents } from "../audit/list-audit-events";
import { createPensioner } from "./create-pensioner";
import { getPensioner } from "./get-pensioner";
import { listPensioners } from "./list-pensioners";
import { revealNationalId } from "./reveal-national-id";
import { updatePensioner } from "./update-pensioner";

type TUser = Awaited<ReturnType<typeof createUser>>;
const notFound = expect.objectContaining({ code: "NOT_FOUND" });

describe("pensioners: encryption, lookup, scoping and audit", () => {
  let guiyang: TUser, zunyi: TUser, supervisor: TUser;
  let input: ReturnType<typeof ZPensionerInput.parse>;
  let id: string;

  beforeAll(async () => {
    guiyang = await createUser("officer", ["5201"]);
    zunyi = await createUser("officer", ["5203"]);
    supervisor = await createUser("supervisor", ["52"]);
    input = ZPensionerInput.parse(await pensionerInput("520102"));
    id = (await createPensioner(guiyang.actor, input, "zh-CN")).id;
  });

  it("stores the ID number encrypted, never in clear", async () => {
    const r = await pool().query(`select * from pensioners where id = $1`, [id]);
    const row = JSON.stringify(r.rows[0], (_k, v) => (v?.type === "Buffer" ? Buffer.from(v.data).toString("latin1") : v));
    expect(row).not.toContain(input.nationalId);
    expect(row).not.toContain(input.nationalId.slice(4, 14));
  });

  it("finds a pensioner by exact ID (HMAC), by the last four characters and by name", async () => {
    const q = { page: 1, pageSize: 25 };
    expect((await listPensioners(guiyang.actor, { ...q, q: input.nationalId.toLowerCase() }, "zh-CN")).items.map((p) => p.id)).toEqual([id]);
    expect((await listPensioners(guiyang.actor, { ...q, q: input.nationalId.slice(14) }, "zh-CN")).items.map((p) => p.id)).toContain(id);
    const page = await listPensioners(guiyang.actor, { ...q, q: input.nationalId }, "en");
    expect(page.items[0]!.maskedId).toBe(`${input.nationalId.slice(0, 4)}**********${input.nationalId.slice(14)}`);
  });

  it("audits each read of personal data (PIPL): opening a pensioner, and a roll search with its query masked and its count", async () => {
    const reads = () => prisma().auditEvent.findMany({ where: { actorId: zunyi.id, action: { in: ["pensioner.read", "roll.search"] } }, orderBy: { id: "asc" } });
    const zunyiPensioner = await createPensioner(zunyi.actor, ZPensionerInput.parse(await pensionerInput("520302")), "zh-CN");
    // The view read back is the one written (dates, amounts, version), with the region's name.
    expect(await getPensioner(zunyi.actor, zunyiPensioner.id, "zh-CN")).toEqual(zunyiPensioner);
    // Another region's pensioner is not found, and nothing was read.
    await expect(getPensioner(zunyi.actor, id, "zh-CN")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const q = { page: 1, pageSize: 25 };
    const byId = await listPensioners(zunyi.actor, { ...q, q: input.nationalId }, "zh-CN");
    await listPensioners(zunyi.actor, { ...q, q: "表单" }, "zh-CN");
    const events = await reads();
    expect(events.map((e) => e.action)).toEqual(["pensioner.read", "roll.search", "roll.search"]);
    expect(events[0]).toMatchObject({ targetType: "pensioner", targetId: zunyiPensioner.id, regionCode: "520302" });
    expect(events[1]!.summary).toEqual({ kind: "id", query: `${input.nationalId.slice(0, 4)}**********${input.nationalId.slice(14)}`, region: null, status: null, page: 1, count: byId.total, countCapped: false, shown: 0 });
    expect(events[2]!.summary).toMatchObject({ kind: "name", query: "表单", count: expect.any(Number) });
    expect(JSON.stringify(events.map((e) => e.summary))).not.toContain(input.nationalId);
  });

  it("refuses a second pensioner with the same ID number, in any county, even when two race", async () => {
    await expect(createPensioner(guiyang.actor, input, "zh-CN")).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(createPensioner(supervisor.actor, { ...input, regionCode: "520302" }, "zh-CN")).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: [expect.objectContaining({ path: "body.nationalId" })] });
    // Two creates of one new ID at once: one stands, the other is the same conflict (the claim's key).
    const fresh = ZPensionerInput.parse(await pensionerInput("520102"));
    const both = await Promise.allSettled([createPensioner(supervisor.actor, fresh, "zh-CN"), createPensioner(supervisor.actor, { ...fresh, regionCode: "520302" }, "zh-CN")]);
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(both.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "CONFLICT" } });
    expect(await unclaimedPensioners()).toEqual([]);
  });

  it("moves the ID's claim with a pensioner who moves county", async () => {
    const mover = await createPensioner(supervisor.actor, ZPensionerInput.parse(await pensionerInput("520102")), "zh-CN");
    const moved = await updatePensioner(supervisor.actor, mover.id, { version: 1, regionCode: "520302" }, "zh-CN");
    expect(moved.regionCode).toBe("520302");
    expect((await pool().query(`select region_code from pensioner_identities where pensioner_id = $1`, [mover.id])).rows).toEqual([{ region_code: "520302" }]);
    expect(await unclaimedPensioners()).toEqual([]);
  });

  it("hides another region's pensioner from every use case with a 404", async () => {
    await expect(getPensioner(zunyi.actor, id, "zh-CN")).rejects.toEqual(notFound);
    await expect(updatePensioner(zunyi.actor, id, { version: 1, name: "改名" }, "zh-CN")).rejects.toEqual(notFound);
    await expect(revealNationalId(zunyi.actor, id, "curious")).rejects.toEqual(notFound);
    await expect(listPensionerAuditEvents(zunyi.actor, id, 1, 10)).rejects.toEqual(notFound);
    const found = await listPensioners(zunyi.actor, { q: input.nationalId, page: 1, pageSize: 25 }, "zh-CN");
    expect(found.total).toBe(0);
    const filtered = await listPensioners(zunyi.actor, { region: "520102", page: 1, pageSize: 25 }, "zh-CN");
    expect(filtered.total).toBe(0);
    expect((await prisma().pensioner.findFirst({ where: { id }, select: { name: true } }))!.name).toBe(input.name);
  });

  it("will not let an officer move a pensioner out of her regions or create one there", async () => {
    await expect(updatePensioner(guiyang.actor, id, { version: 1, regionCode: "520302" }, "zh-CN")).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: [{ path: "body.regionCode", message: expect.any(String) }],
    });
    await expect(createPensioner(guiyang.actor, ZPensionerInput.parse(await pensionerInput("520302")), "zh-CN")).rejects.toBeInstanceOf(AppError);
  });

  it("edits with optimistic locking and audits the change without personal data", async () => {
    const updated = await updatePensioner(guiyang.actor, id, { version: 1, address: "新地址 8 号", monthlyPensionFen: 330000 }, "zh-CN");
    expect(updated.version).toBe(2);
    await expect(updatePensioner(guiyang.actor, id, { version: 1, phone: "13900000000" }, "zh-CN")).rejects.toMatchObject({ code: "CONFLICT" });
    const audit = await listPensionerAuditEvents(guiyang.actor, id, 1, 10);
    const ev = audit.items.find((e) => e.action === "pensioner.update")!;
    expect(ev.summary).toEqual({ changed: { address: {}, monthlyPensionFen: { before: "320000", after: 330000 } } });
    expect(JSON.stringify(audit.items)).not.toContain("新地址");
  });

  it("reveals the full ID number to a supervisor and audits the reveal", async () => {
    expect(await revealNationalId(supervisor.actor, id, "identity check at counter")).toEqual({ nationalId: input.nationalId });
    const audit = await listPensionerAuditEvents(supervisor.actor, id, 1, 10);
    expect(audit.items[0]).toMatchObject({ action: "pensioner.revealId", actorRole: "supervisor", summary: { reason: "identity check at counter" } });
    expect(JSON.stringify(audit.items)).not.toContain(input.nationalId);
  });
});
