import { randomInt, randomUUID } from "node:crypto";
import { hash } from "@node-rs/argon2";
import { pool, prisma } from "../lib/db/client";
import { demoNationalId } from "../lib/db/demo-roll";
import { seedRegions } from "../lib/db/seed";
import type { TActor } from "../lib/server/actor";
import { piiHmac } from "../lib/server/pensioners/pii-crypto";
import type { TRole } from "../lib/auth/permissions";

let regionsSeeded: Promise<number> | null = null;
export const ensureRegions = () => (regionsSeeded ??= seedRegions());

const issued = new Set<string>();
/** A valid ID number in a county that is neither on the roll nor issued before in this file. */
export async function uniqueNationalId(county: string, sex: "male" | "female" = "male"): Promise<{ id: string; birth: string }> {
  for (;;) {
    const day = new Date(Date.UTC(1935, 0, 1) + randomInt(12_000) * 86_400_000).toISOString().slice(0, 10);
    const id = demoNationalId(county, day, randomInt(500), sex);
    if (issued.has(id)) continue;
    issued.add(id);
    if (!(await prisma().pensioner.findFirst({ where: { idHmac: piiHmac(id) }, select: { id: true } }))) return { id, birth: day };
  }
}

export async function createUser(role: TRole, regions: string[], password = "test-pass-123") {
  await ensureRegions();
  const username = `${role}-${randomUUID().slice(0, 8)}`;
  const u = await prisma().user.create({
    data: { username, displayName: username, role, passwordHash: await hash(password), regions: { create: regions.map((regionCode) => ({ regionCode })) } },
    select: { id: true },
  });
  const actor: TActor = { userId: u.id, role, regions, requestId: randomUUID(), ip: "127.0.0.1" };
  return { ...u, username, password, actor };
}

export async function pensionerInput(county: string, over: Record<string, unknown> = {}) {
  const { id, birth } = await uniqueNationalId(county);
  return {
    nationalId: id,
    name: "测试人员",
    sex: "male" as const,
    birthDate: birth,
    regionCode: county,
    address: "贵阳市南明区测试路1号",
    phone: "13800000000",
    scheme: "enterprise" as const,
    monthlyPensionFen: 320000,
    paymentStatus: "active" as const,
    enrolledOn: "2005-01-01",
    ...over,
  };
}

/** n pensioners of the deterministic demo roll in one county, loaded through the real import. Returns their ID numbers. */
export async function seedRoll(county: string, n: number): Promise<string[]> {
  const { Readable } = await import("node:stream");
  const { demoRollCsv } = await import("../lib/db/demo-roll");
  const { importRoll } = await import("../lib/server/imports/import-roll");
  const admin = await createUser("admin", ["52"]);
  const lines = [...demoRollCsv(n, [county])];
  const imp = await prisma().rollImport.create({ data: { userId: admin.id, fileName: `${county}.csv` }, select: { id: true } });
  const r = await importRoll(admin.actor, imp.id, Readable.from(lines));
  if (r.rowsRejected) throw new Error(`seedRoll: ${r.rowsRejected} rows rejected`);
  return lines.slice(1).map((l) => l.split(",")[0]!);
}

/** Pensioners whose national ID has no claim in pensioner_identities, or claims pointing at no pensioner (ids). */
export async function unclaimedPensioners(): Promise<string[]> {
  const r = await pool().query<{ id: string }>(
    `select coalesce(p.id, i.pensioner_id)::text as id
       from pensioners p full join pensioner_identities i on i.id_hmac = p.id_hmac and i.pensioner_id = p.id and i.region_code = p.region_code
      where p.id is null or i.id_hmac is null`,
  );
  return r.rows.map((x) => x.id);
}
