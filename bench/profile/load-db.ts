// A kept 1M-roll database for the load scenario's measurements (bench/notes/load.md): an embedded
// PostgreSQL in the folder given (created, migrated and filled with the demo roll on first use,
// reused afterwards), a supervisor of Guizhou with a known password and TOTP secret, then it stays
// up until Ctrl-C and prints its URL. Usage:
//   npx tsx --conditions=react-server bench/profile/load-db.ts /tmp/load-db [n]
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { hash } from "@node-rs/argon2";
import { useDatabaseUrl, prisma, pool } from "../../lib/db/client";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { seedRegions } from "../../lib/db/seed";
import { demoRollCsv } from "../../lib/db/demo-roll";
import { sealTotpSecret } from "../../lib/server/users/second-factor-store";
import { importRoll } from "../../lib/server/imports/import-roll";
import { startRollImport } from "../../lib/server/imports/start-roll-import";
import type { TActor } from "../../lib/server/actor";

const dir = path.resolve(process.argv[2] ?? "/tmp/load-db");
const n = Number(process.argv[3] ?? 1_000_000);
const fresh = !existsSync(path.join(dir, "db"));
mkdirSync(dir, { recursive: true });
const db = await startEmbeddedPostgres(path.join(dir, "db"), console.log, { port: 54399 });
useDatabaseUrl(db.url);
if (fresh) {
  await migrate(db.url);
  await seedRegions();
  const counties = (await prisma().region.findMany({ where: { level: "county" }, select: { code: true }, orderBy: { code: "asc" } })).map((r) => r.code);
  const secret = "PENSIONDEMOTOTPSECRETGZHRSSAAAAA";
  const sealed = sealTotpSecret(secret);
  const u = await prisma().user.create({
    data: {
      username: "load-sup", displayName: "load-sup", role: "supervisor", passwordHash: await hash("load-pass-2026"),
      totpSecretCipher: sealed.cipher, totpKeyVersion: sealed.keyVersion, totpEnabledAt: new Date(),
      regions: { create: [{ regionCode: "52" }] },
    },
    select: { id: true },
  });
  const admin: TActor = { userId: u.id, role: "admin", regions: ["52"], requestId: null, ip: null };
  const imp = await startRollImport(admin, { fileName: "load.csv", size: 1 });
  function* chunks() {
    let buf = "";
    for (const line of demoRollCsv(n, counties)) {
      buf += line;
      if (buf.length >= 65_536) (yield buf, (buf = ""));
    }
    if (buf) yield buf;
  }
  const t0 = performance.now();
  const r = await importRoll(admin, imp.id, Readable.from(chunks()));
  console.log(`imported ${r.rowsInserted} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await pool().query("vacuum analyze pensioners");
}
console.log(`DATABASE_URL=${db.url}`);
const stop = async () => {
  await db.stop();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
setInterval(() => {}, 1 << 30);
