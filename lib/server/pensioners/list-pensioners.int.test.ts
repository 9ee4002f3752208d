import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../test/fixtures";
import { pool, prisma } from "../../db/client";
import { ROLL_TOTAL_CAP } from "../../domain/roll-total";
import { listPensioners } from "./list-pensioners";

type TUser = Awaited<ReturnType<typeof createUser>>;
// A county no other test fills: its roll is this file's, and gone after it.
const COUNTY = "522731";
const q = { page: 1, pageSize: 25 };

/** n pensioners in COUNTY, named `${surname}` + i (synthetic ID columns: the list never decrypts them). */
async function fill(n: number, surname: string, from = 0) {
  await pool().query(
    `insert into pensioners (id, id_cipher, id_hmac, id_key_version, id_prefix, id_suffix, name, sex, birth_date, region_code, address, phone, scheme, monthly_pension_fen, payment_status, enrolled_on)
     select gen_random_uuid(), '\\x00', sha256(($3 || i)::bytea), 1, '5227', lpad((i % 10000)::text, 4, '0'), $2 || i, 'male', '1950-01-01', $1, 'x', '', 'enterprise', 1, 'active', '2000-01-01'
     from generate_series($4::int, $4::int + $5::int - 1) i`,
    [COUNTY, surname, `list-test-${surname}-`, from, n],
  );
}

describe("the roll list: a capped total, next-page navigation and a prefix name search", () => {
  let officer: TUser;

  beforeAll(async () => {
    officer = await createUser("officer", [COUNTY]);
    await fill(ROLL_TOTAL_CAP + 5, "黎");
    await fill(30, "王");
    await fill(3, "欧阳");
    await fill(1, "张王");
    await fill(1, "100%_");
  });

  afterAll(async () => {
    await pool().query(`delete from pensioners where region_code = $1`, [COUNTY]);
  });

  it("counts exactly up to the cap and says when there are more, with pages still going on", async () => {
    const first = await listPensioners(officer.actor, q, "zh-CN");
    expect(first).toMatchObject({ total: ROLL_TOTAL_CAP, totalCapped: true, hasNext: true });
    expect(first.items).toHaveLength(25);
    // Past the capped total's last page the roll still pages, in the same order.
    const beyond = await listPensioners(officer.actor, { ...q, page: ROLL_TOTAL_CAP / 25 + 1 }, "zh-CN");
    expect(beyond).toMatchObject({ totalCapped: true, hasNext: true });
    expect(beyond.items).toHaveLength(25);
    const all = await prisma().pensioner.count({ where: { regionCode: COUNTY } });
    const last = await listPensioners(officer.actor, { ...q, page: Math.ceil(all / 25) }, "zh-CN");
    expect(last.items).toHaveLength(all % 25 || 25);
    expect(last.hasNext).toBe(false);
  });

  it("gives an exact total under the cap, and hasNext only while rows remain", async () => {
    const wang = await listPensioners(officer.actor, { ...q, q: "王" }, "en");
    expect(wang).toMatchObject({ total: 30, totalCapped: false, hasNext: true });
    expect(wang.items.every((p) => p.name.startsWith("王"))).toBe(true);
    const second = await listPensioners(officer.actor, { ...q, q: "王", page: 2 }, "en");
    expect(second.items).toHaveLength(5);
    expect(second.hasNext).toBe(false);
  });

  it("matches a name from its start (the surname), not in its middle", async () => {
    expect((await listPensioners(officer.actor, { ...q, q: "欧阳" }, "zh-CN")).total).toBe(3);
    expect((await listPensioners(officer.actor, { ...q, q: "欧阳1" }, "zh-CN")).items.map((p) => p.name)).toEqual(["欧阳1"]);
    // 张王0 starts with 张, so a search for 王 does not find it.
    expect((await listPensioners(officer.actor, { ...q, q: "王" }, "zh-CN")).items.map((p) => p.name)).not.toContain("张王0");
    expect((await listPensioners(officer.actor, { ...q, q: "张王" }, "zh-CN")).items.map((p) => p.name)).toEqual(["张王0"]);
  });

  it("takes % and _ in a search literally", async () => {
    expect((await listPensioners(officer.actor, { ...q, q: "100%_" }, "zh-CN")).items.map((p) => p.name)).toEqual(["100%_0"]);
    expect((await listPensioners(officer.actor, { ...q, q: "%" }, "zh-CN")).total).toBe(0);
    expect((await listPensioners(officer.actor, { ...q, q: "1_0" }, "zh-CN")).total).toBe(0);
  });

  it("audits the capped count as capped", async () => {
    await listPensioners(officer.actor, q, "zh-CN");
    const e = await prisma().auditEvent.findFirst({ where: { actorId: officer.id, action: "roll.search" }, orderBy: { id: "desc" } });
    expect(e!.summary).toMatchObject({ kind: "none", count: ROLL_TOTAL_CAP, countCapped: true, shown: 25 });
  });

  it("keeps the count inside the caller's regions", async () => {
    const elsewhere = await createUser("officer", ["522732"]);
    expect(await listPensioners(elsewhere.actor, { ...q, q: "王" }, "zh-CN")).toMatchObject({ total: 0, totalCapped: false, hasNext: false, items: [] });
  });
});
