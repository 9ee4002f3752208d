import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { createUser, unclaimedPensioners, uniqueNationalId } from "../../../test/fixtures";
import { pool, prisma } from "../../db/client";
import { ROLL_CSV_HEADER } from "../../db/demo-roll";
import { importRoll } from "./import-roll";
import { listImportRejections } from "./get-roll-import";
import { startRollImport } from "./start-roll-import";

type TUser = Awaited<ReturnType<typeof createUser>>;

async function row(county: string, over: Partial<Record<"birth" | "amount" | "name" | "id", string>> = {}) {
  const { id, birth } = await uniqueNationalId(county);
  return `${over.id ?? id},${over.name ?? "李四"},male,${over.birth ?? birth},${county},"南明区, 花果园 1 号",13800000000,enterprise,${over.amount ?? "300000"},active,2003-05-01\n`;
}

async function run(user: TUser, csv: string | Buffer | Readable) {
  const body = csv instanceof Readable ? csv : Readable.from([typeof csv === "string" ? Buffer.from(csv) : csv]);
  const { id } = await startRollImport(user.actor, { fileName: "roll.csv", size: 1 });
  return importRoll(user.actor, id, body);
}

const rosterSize = async () => (await pool().query<{ n: number }>(`select count(*)::int as n from pensioners`)).rows[0]!.n;

describe("roll CSV import", () => {
  let officer: TUser;
  beforeAll(async () => {
    officer = await createUser("officer", ["5201"]);
  });

  it("lands the valid rows, reports every rejected row with line and reason, and is idempotent", async () => {
    const good1 = await row("520102");
    const good2 = await row("520103");
    const dupId = good1.split(",")[0]!;
    const lines = [
      ROLL_CSV_HEADER,
      good1, // line 2
      await row("520102", { birth: "1950-01-01" }), // 3: birth date disagrees with the ID
      good2, // 4
      await row("520102", { amount: "-100" }), // 5: negative amount
      `${dupId},王五,male,${good1.split(",")[3]},520102,,13800000000,enterprise,1,active,2003-05-01\n`, // 6: duplicate of line 2
      await row("520302"), // 7: another officer's region
      "520102194503150011,bad,male\n", // 8: wrong column count and check digit
      await row("520102", { id: "52010219450315001X" }), // 9: check digit fails
    ];
    const before = await rosterSize();
    const r = await run(officer, lines.join(""));
    expect(r).toMatchObject({ status: "completed", rowsRead: 8, rowsInserted: 2, rowsUnchanged: 0, rowsRejected: 6 });
    expect(await rosterSize()).toBe(before + 2);

    const rej = await listImportRejections(officer.actor, r.id, 1, 100, "en");
    const byLine = Object.fromEntries(rej.items.map((x) => [`${x.line}:${x.field}`, x.reason]));
    expect(Object.keys(byLine).sort()).toEqual(["3:birth_date", "5:monthly_pension_fen", "6:national_id", "7:region_code", "8:row", "9:birth_date", "9:national_id"].sort());
    expect(byLine["6:national_id"]).toMatch(/line 2/);

    const again = await run(officer, lines.join(""));
    expect(again).toMatchObject({ status: "completed", rowsInserted: 0, rowsUnchanged: 2, rowsRejected: 6 });
    expect(await rosterSize()).toBe(before + 2);
    const audit = await prisma().auditEvent.findMany({ where: { action: "roll.import", targetId: { in: [r.id, again.id] } } });
    expect(audit).toHaveLength(2);
  });

  it("reads a file without quotes in blocks, with the same line numbers, rejections and clashes, LF or CRLF", async () => {
    // Unquoted rows take the worker path as raw lines; tiny blocks and segments make every row
    // cross an edge: rows prepared in different batches, COPY segments that clash and fall back.
    const plain = async (county: string, over: { amount?: string; name?: string; id?: string; birth?: string } = {}) => {
      const u = over.id ? { id: over.id, birth: over.birth! } : await uniqueNationalId(county);
      return { id: u.id, birth: u.birth, text: `${u.id},${over.name ?? "张三"},male,${u.birth},${county},南明区花果园1号,13800000000,enterprise,${over.amount ?? "300000"},active,2003-05-01` };
    };
    const a = await plain("520102");
    const d = await plain("520103");
    const lines = [
      ROLL_CSV_HEADER.trimEnd(), // 1
      a.text, // 2
      "", // 3: empty, skipped
      (await plain("520102")).text, // 4
      (await plain("520102", { amount: "-1" })).text, // 5: negative amount
      (await plain("520111")).text, // 6
      (await plain("520102", { id: a.id, birth: a.birth, name: "王五" })).text, // 7: repeats line 2
      d.text, // 8
      "x,y", // 9: two columns
      (await plain("520102")).text, // 10
      d.text, // 11: repeats line 8
      (await plain("520113")).text, // 12, no line end after it
    ];
    const tuning = { blockBytes: 200, segmentRows: 2 };
    const byLine = async (id: string) =>
      Object.fromEntries((await listImportRejections(officer.actor, id, 1, 100, "en")).items.map((x) => [`${x.line}:${x.field}`, x.reason]));
    const before = await rosterSize();
    const first = await startRollImport(officer.actor, { fileName: "roll.csv", size: 1 });
    const r = await importRoll(officer.actor, first.id, Readable.from([Buffer.from(lines.join("\n"))]), tuning);
    expect(r).toMatchObject({ status: "completed", rowsRead: 10, rowsInserted: 6, rowsUnchanged: 0, rowsRejected: 4 });
    expect(await rosterSize()).toBe(before + 6);
    const rej = await byLine(r.id);
    expect(Object.keys(rej).sort()).toEqual(["11:national_id", "5:monthly_pension_fen", "7:national_id", "9:row"]);
    expect(rej["7:national_id"]).toMatch(/line 2\b/);
    expect(rej["11:national_id"]).toMatch(/line 8\b/);

    // The same file with CRLF line ends, again: every row is on the roll already.
    const again = await startRollImport(officer.actor, { fileName: "roll.csv", size: 1 });
    const r2 = await importRoll(officer.actor, again.id, Readable.from([Buffer.from(lines.join("\r\n"))]), tuning);
    expect(r2).toMatchObject({ status: "completed", rowsRead: 10, rowsInserted: 0, rowsUnchanged: 6, rowsRejected: 4 });
    const rej2 = await byLine(r2.id);
    expect(rej2).toEqual(rej);
    expect(await rosterSize()).toBe(before + 6);
  });

  it("rejects a row already on the roll with different details instead of overwriting it", async () => {
    const line = await row("520111");
    await run(officer, ROLL_CSV_HEADER + line);
    const changed = line.replace("李四", "李四改");
    const r = await run(officer, ROLL_CSV_HEADER + changed);
    expect(r).toMatchObject({ rowsInserted: 0, rowsUnchanged: 0, rowsRejected: 1 });
    // The same ID number in another county is the same person: turned away too.
    const elsewhere = line.replace(/,520111,/, ",520102,");
    expect(await run(officer, ROLL_CSV_HEADER + elsewhere)).toMatchObject({ rowsInserted: 0, rowsRejected: 1 });
    expect(await unclaimedPensioners()).toEqual([]);
  });

  it("imports nothing from a file whose header is not a roll", async () => {
    const before = await rosterSize();
    await expect(run(officer, "id;name\n" + (await row("520102")))).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await rosterSize()).toBe(before);
  });

  it("rejects rows that are not UTF-8 and malformed quoting, keeping the rest", async () => {
    const good = await row("520102");
    const gbk = Buffer.from((await row("520102", { name: "XX" })).replace("XX", "\u0000"));
    gbk[gbk.indexOf(0)] = 0xc0; // a lone GBK lead byte is invalid UTF-8
    const broken = `${(await uniqueNationalId("520102")).id},"unterminated name,male\n`;
    const r = await run(officer, Buffer.concat([Buffer.from(ROLL_CSV_HEADER), gbk, Buffer.from(good), Buffer.from(broken)]));
    expect(r.rowsInserted).toBe(1);
    expect(r.rowsRejected).toBeGreaterThanOrEqual(1);
    const rej = await listImportRejections(officer.actor, r.id, 1, 100, "zh-CN");
    expect(rej.items.some((x) => x.line === 2 && x.reason.startsWith("不是有效的 UTF-8"))).toBe(true);
  });

  it("lands nothing when the upload breaks off midway", async () => {
    const before = await rosterSize();
    const rows = [ROLL_CSV_HEADER, await row("520102"), await row("520102")];
    async function* failing() {
      for (const r of rows) yield Buffer.from(r);
      throw new Error("connection reset");
    }
    await expect(run(officer, Readable.from(failing()))).rejects.toBeTruthy();
    expect(await rosterSize()).toBe(before);
    const last = await prisma().rollImport.findFirst({ where: { userId: officer.id }, orderBy: { startedAt: "desc" } });
    expect(last?.status).toBe("failed");
  });

  it("lets only one upload run an import, and none after it finished", async () => {
    const { id } = await startRollImport(officer.actor, { fileName: "roll.csv", size: 1 });
    const csv = ROLL_CSV_HEADER + (await row("520102")) + (await row("520102"));
    const both = await Promise.allSettled([importRoll(officer.actor, id, Readable.from([csv])), importRoll(officer.actor, id, Readable.from([csv]))]);
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(both.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "CONFLICT" } });
    expect((await prisma().rollImport.findUnique({ where: { id } }))).toMatchObject({ status: "completed", rowsInserted: 2 });
    await expect(importRoll(officer.actor, id, Readable.from([csv]))).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("refuses an oversized file before reading it", async () => {
    await expect(startRollImport(officer.actor, { fileName: "huge.csv", size: 2 * 1024 ** 3 })).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });

  it("keeps an import private to the officer who started it", async () => {
    const other = await createUser("officer", ["5201"]);
    const r = await run(officer, ROLL_CSV_HEADER + (await row("520102")));
    await expect(listImportRejections(other.actor, r.id, 1, 10, "en")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
