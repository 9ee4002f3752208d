import { Readable } from "node:stream";
import { hash } from "@node-rs/argon2";
import { systemActor } from "../server/actor";
import { importRoll } from "../server/imports/import-roll";
import { fundBureauAccount } from "../server/ledger/fund-bureau-account";
import { TKY } from "../server/ledger/ledger-accounts";
import { sealTotpSecret } from "../server/users/second-factor-store";
import { env } from "../env.js";
import { prisma } from "./client";
import { demoRollCsv } from "./demo-roll";
import { guizhouRegions } from "./regions-guizhou";

export { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS } from "./demo-accounts";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS } from "./demo-accounts";

/** Upserts Guizhou's regions: reference data every installation needs. */
export async function seedRegions(): Promise<number> {
  const rows = guizhouRegions();
  const db = prisma();
  // Parents before children, so the self-reference holds at every step.
  for (const level of ["province", "city", "county"] as const) {
    for (const r of rows.filter((x) => x.level === level)) {
      await db.region.upsert({ where: { code: r.code }, create: r, update: { name: r.name, nameEn: r.nameEn, parentCode: r.parentCode } });
    }
  }
  return rows.length;
}

/** The demo installation: regions, one account per role, and a deterministic roll of n pensioners. */
export async function seedDemo(n = 6000, log: (m: string) => void = console.log): Promise<void> {
  const db = prisma();
  log(`seeding ${await seedRegions()} regions`);
  const passwordHash = await hash(DEMO_PASSWORD);
  const totp = sealTotpSecret(DEMO_TOTP_SECRET);
  let adminId = "";
  for (const u of DEMO_USERS) {
    const factor = u.role === "officer" ? {} : { totpSecretCipher: totp.cipher, totpKeyVersion: totp.keyVersion, totpEnabledAt: new Date() };
    const user = await db.user.upsert({
      where: { username: u.username },
      create: { username: u.username, email: `${u.username}@demo.gz-hrss.example`, displayName: u.displayName, role: u.role, passwordHash, ...factor, regions: { create: u.regions.map((regionCode) => ({ regionCode })) } },
      update: {},
      select: { id: true },
    });
    if (u.role === "admin") adminId = user.id;
  }
  // The demo bureau's TKY account is funded once (the key makes a second seed a no-op), so the
  // demo's runs settle their fees on the embedded ledger.
  if (env.LEDGER_ADAPTER === "embedded" && env.LEDGER_DEMO_FUNDING_TKY > 0) {
    const amount = BigInt(env.LEDGER_DEMO_FUNDING_TKY) * TKY;
    const f = await fundBureauAccount({ ...systemActor(), userId: adminId, role: "admin", regions: ["52"] }, { province: "52", amount, key: "demo-funding:52" });
    log(`funded bureau:52 with ${env.LEDGER_DEMO_FUNDING_TKY} TKY${f.replayed ? " (already)" : ""}`);
  }
  const counties = (await db.region.findMany({ where: { level: "county" }, select: { code: true }, orderBy: { code: "asc" } })).map((r) => r.code);
  // Guiyang's counties appear three times, so the demo officer has a busy region.
  const weighted = [...counties.filter((c) => c.startsWith("5201")), ...counties.filter((c) => c.startsWith("5201")), ...counties];
  const imp = await db.rollImport.create({ data: { userId: adminId, fileName: "demo-roll.csv" }, select: { id: true } });
  const actor = { ...systemActor(), userId: adminId, role: "admin" as const, regions: ["52"] };
  const r = await importRoll(actor, imp.id, Readable.from(demoRollCsv(n, weighted)));
  log(`seeded ${r.rowsInserted} demo pensioners (${r.rowsRejected} rejected)`);
}
