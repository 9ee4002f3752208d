// npm run user:create -- --name NAME --email EMAIL --role admin --regions 52[,5201…] [--password-stdin]
// Creates a staff account on the database DATABASE_URL names (or the embedded one): the first
// administrator of a new installation, for one. With --password-stdin the password is read from
// standard input and must pass the password policy; without it a one-time password is printed,
// to be replaced at the first sign-in. Audited as a change by the system.
import { parseArgs } from "node:util";
import { env } from "../lib/env.js";
import { closeDb, useDatabaseUrl } from "../lib/db/client";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { localizeMessage } from "../lib/i18n/validation";
import { systemActor } from "../lib/server/actor";
import { AppError } from "../lib/server/app-error";
import { createUser } from "../lib/server/users/create-user";
import { ZCreateUser } from "../lib/server/users/user-schemas";

const usage = "usage: npm run user:create -- --name NAME --email EMAIL --role officer|supervisor|admin --regions 52[,5201…] [--password-stdin]";

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("password (then Enter and Ctrl-D): ");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

function fail(message: string): never {
  console.error(`user:create: ${message}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({ options: { name: { type: "string" }, email: { type: "string" }, role: { type: "string" }, regions: { type: "string" }, "password-stdin": { type: "boolean" } } }).values;
} catch (e) {
  fail(`${(e as Error).message}\n${usage}`);
}
const parsed = ZCreateUser.safeParse({ name: args.name, email: args.email, role: args.role, regions: (args.regions ?? "").split(",").map((s) => s.trim()).filter(Boolean) });
if (!parsed.success) {
  fail(parsed.error.issues.map((i) => `--${String(i.path[0] ?? "?")}: ${localizeMessage(i.message, "en").message}`).join("; ") + `\n${usage}`);
}
const password = args["password-stdin"] ? await readStdin() : undefined;

const db = env.DATABASE_URL ? null : await startEmbeddedPostgres(env.DATA_DIR);
if (db) useDatabaseUrl(db.url);
let code = 0;
try {
  // The operator of the server acts for the installation: any region it knows may be granted.
  const actor = { ...systemActor(), regions: parsed.data.regions };
  const u = await createUser(actor, parsed.data, { password });
  console.log(`created ${parsed.data.role} ${u.username} (${u.id}) for ${parsed.data.regions.join(", ")}`);
  if (u.oneTimePassword) console.log(`one-time password (valid until ${u.expiresAt}, to be changed at first sign-in): ${u.oneTimePassword}`);
  console.log(parsed.data.role === "officer" ? "" : "a second factor (an authenticator app) is enrolled at the first sign-in");
} catch (e) {
  if (e instanceof AppError) {
    const fields = e.fieldErrors.map((f) => `${f.path.replace(/^body\./, "--").replace(/^password$/, "password")}: ${localizeMessage(f.message, "en").message}`);
    console.error(`user:create: ${e.userMessage}${fields.length ? `: ${fields.join("; ")}` : ""}`);
    if (e.fieldErrors.some((f) => f.message.startsWith("regionUnknown"))) console.error("user:create: load the regions first: npm run db:seed -- --regions-only");
    code = 1;
  } else throw e;
} finally {
  await closeDb();
  await db?.stop();
}
process.exit(code);
